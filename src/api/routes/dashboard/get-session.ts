import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';

/** `GET /dashboard/session` says who the cookie (or a Bearer key) is. */
export function registerGetSession(app: App) {
  app.get('/dashboard/session', requireScope('read'), (c) => {
    const auth = authOf(c);
    c.header('Cache-Control', 'no-store');
    return c.json({ tenantId: auth.tenantId, keyId: auth.keyId, mode: auth.mode, scopes: auth.scopes }, 200);
  });
}
