// Bundled as text, not as code (wrangler.toml [[rules]] for dashboard-client/): the Worker serves it, never runs it.
import appJs from '../../../dashboard-client/app.js';
import type { App } from '../../context';
import { CACHE_CONTROL } from './cache-control';

/** `GET /dashboard/app.js`: the page's ES module. */
export function registerServeDashboardModule(app: App) {
  app.get('/dashboard/app.js', (c) =>
    c.body(appJs, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE_CONTROL,
      'x-content-type-options': 'nosniff',
    }),
  );
}
