import type { Context } from 'hono';
import { ApiError } from '../../../errors';
import type { AppEnv } from '../../context';

/** The HTML page both unsubscribe answers are shown in. */
export const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#2563eb;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;

/** A client error (a bad or expired token) as a page; anything else goes on to the error handler. */
export const htmlError = (c: Context<AppEnv>, err: unknown) => {
  if (!(err instanceof ApiError) || err.status >= 500) throw err;
  return c.html(
    page(
      'Link not valid',
      '<h1>This unsubscribe link is not valid</h1><p>It may have expired. Use the link in a newer email.</p>',
    ),
    400,
  );
};
