import type { Context } from 'hono';
import { unsubscribe } from '../../../domain/preferences/unsubscribe';
import { verifyUnsubscribeToken } from '../../../domain/subscribers/subscriber-token';
import { ApiError } from '../../../errors';
import type { App, AppEnv } from '../../context';

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#2563eb;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;

const htmlError = (c: Context<AppEnv>, err: unknown) => {
  if (!(err instanceof ApiError) || err.status >= 500) throw err;
  return c.html(
    page(
      'Link not valid',
      '<h1>This unsubscribe link is not valid</h1><p>It may have expired. Use the link in a newer email.</p>',
    ),
    400,
  );
};

/**
 * `/u/{token}`: POST unsubscribes at once (mail clients' one-click, RFC 8058; no login); GET shows a confirmation
 * page with a button, because link scanners and previews follow GETs and must not unsubscribe anyone.
 */
export function registerUnsubscribeRoutes(app: App) {
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
  app.post('/u/:token', async (c) => {
    try {
      const claims = await unsubscribe(
        { db: c.var.db, env: c.env, config: c.var.config, log: c.var.log },
        c.req.param('token'),
        c.var.requestId,
      );
      const what = claims.category ? `“${claims.category}” notifications` : 'all notifications';
      return c.html(page('Unsubscribed', `<h1>You are unsubscribed</h1><p>You will no longer receive ${what}.</p>`));
    } catch (err) {
      return htmlError(c, err);
    }
  });
}
