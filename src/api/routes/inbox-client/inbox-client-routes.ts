// Bundled as text, not as code (wrangler.toml [[rules]] for inbox-client/): the Worker serves them, never runs them.
import demoHtml from '../../../inbox-client/demo.html';
import inboxJs from '../../../inbox-client/inbox.js';
import type { App } from '../../context';

// Short, public caching: a fixed client reaches browsers within minutes of a deploy.
const CACHE_CONTROL = 'public, max-age=300';

/** The browser client for the in-app inbox (`/sdk/inbox.js`) and a page that uses it (`/demo/inbox`). */
export function registerInboxClientRoutes(app: App) {
  app.get('/sdk/inbox.js', (c) =>
    c.body(inboxJs, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      // Module scripts are fetched with CORS: without this, another origin's `import` of the SDK fails.
      'access-control-allow-origin': '*',
    }),
  );
  app.get('/demo/inbox', (c) =>
    c.body(demoHtml, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': CACHE_CONTROL }),
  );
}
