import { sessionCookie } from '../../../domain/dashboard/session';
import type { App } from '../../context';
import { FORM_TYPE, refuseOtherOrigins, secureCookies } from './session-request';

/** `POST /dashboard/logout` clears the session cookie. */
export function registerSignOut(app: App) {
  app.post('/dashboard/logout', (c) => {
    refuseOtherOrigins(c);
    c.header('Set-Cookie', sessionCookie('', { secure: secureCookies(c), maxAgeSeconds: 0 }));
    c.header('Cache-Control', 'no-store');
    if (FORM_TYPE.test(c.req.header('content-type') ?? '')) return c.redirect('/dashboard', 303);
    return c.body(null, 204);
  });
}
