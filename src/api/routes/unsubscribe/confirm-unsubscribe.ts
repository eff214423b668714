import { verifyUnsubscribeToken } from '../../../domain/subscribers/subscriber-token';
import type { App } from '../../context';
import { htmlError, page } from './unsubscribe-page';

/**
 * `GET /u/{token}` shows a confirmation page with a button, because link scanners and previews follow GETs and must
 * not unsubscribe anyone.
 */
export function registerConfirmUnsubscribe(app: App) {
  app.get('/u/:token', async (c) => {
    try {
      const claims = await verifyUnsubscribeToken(c.var.db, c.var.config, c.req.param('token'));
      const what = claims.category ? `“${claims.category}” notifications` : 'all notifications';
      return c.html(
        page(
          'Unsubscribe',
          `<h1>Unsubscribe from ${what}?</h1><form method="post"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
    } catch (err) {
      return htmlError(c, err);
    }
  });
}
