import { unsubscribe } from '../../../domain/preferences/unsubscribe';
import { type App, appContextOf } from '../../context';
import { htmlError, page } from './unsubscribe-page';

/** `POST /u/{token}` unsubscribes at once (mail clients' one-click, RFC 8058; no login). */
export function registerUnsubscribeOneClick(app: App) {
  app.post('/u/:token', async (c) => {
    try {
      const claims = await unsubscribe(appContextOf(c), c.req.param('token'), c.var.requestId);
      const what = claims.category ? `“${claims.category}” notifications` : 'all notifications';
      return c.html(page('Unsubscribed', `<h1>You are unsubscribed</h1><p>You will no longer receive ${what}.</p>`));
    } catch (err) {
      return htmlError(c, err);
    }
  });
}
