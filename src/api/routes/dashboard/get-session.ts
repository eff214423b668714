import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { sessionBody } from './session-body';

/** `GET /dashboard/session` says who the cookie (or a Bearer key) is. */
export function registerGetSession(app: App) {
  app.get('/dashboard/session', requireScope('read'), async (c) => {
    const body = await sessionBody(c.var.db, authOf(c));
    c.header('Cache-Control', 'no-store');
    return c.json(body, 200);
  });
}
