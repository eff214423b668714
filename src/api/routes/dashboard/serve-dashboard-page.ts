// Bundled as text, not as code (wrangler.toml [[rules]] for dashboard-client/): the Worker serves it, never runs it.
import dashboardHtml from '../../../dashboard-client/dashboard.html';
import type { App } from '../../context';
import { CACHE_CONTROL } from './cache-control';

/**
 * The page runs with the tenant's session, so it is locked down: its own script only (data is only ever set as
 * text, and the CSP forbids anything else from running), calls to this origin only, never inside another site's
 * frame (a Replay button must not be clickjacked), no referrer leaving it.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': CACHE_CONTROL,
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    // the page's one <style> block and the chart swatches; no script-driven styles of data
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `GET /dashboard`: the page. */
export function registerServeDashboardPage(app: App) {
  app.get('/dashboard', (c) => c.body(dashboardHtml, 200, PAGE_HEADERS));
}
