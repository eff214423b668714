// Bundled as text, not as code (wrangler.toml [[rules]] for inbox-client/): the Worker serves it, never runs it.
import demoHtml from '../../../inbox-client/demo.html';
import type { App } from '../../context';
import { CACHE_CONTROL } from './cache-control';

/** `GET /demo/inbox`: a page that uses the browser client. */
export function registerServeInboxDemo(app: App) {
  app.get('/demo/inbox', (c) =>
    c.body(demoHtml, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': CACHE_CONTROL }),
  );
}
