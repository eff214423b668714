// Bundled as text, not as code (wrangler.toml [[rules]] for inbox-client/): the Worker serves it, never runs it.
import inboxJs from '../../../inbox-client/inbox.js';
import type { App } from '../../context';
import { CACHE_CONTROL } from './cache-control';

/** `GET /sdk/inbox.js`: the browser client for the in-app inbox. */
export function registerServeInboxSdk(app: App) {
  app.get('/sdk/inbox.js', (c) =>
    c.body(inboxJs, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      // Module scripts are fetched with CORS: without this, another origin's `import` of the SDK fails.
      'access-control-allow-origin': '*',
    }),
  );
}
