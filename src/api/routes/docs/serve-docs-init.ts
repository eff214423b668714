import type { App } from '../../context';
import { PAGE_CACHE_CONTROL } from './assets';

/**
 * Starts Swagger UI on our document. A file of its own, not an inline script, so the page's CSP can stay at
 * `script-src 'self'`. `validatorUrl: null`: by default Swagger UI sends the document to validator.swagger.io.
 */
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** `GET /docs/init.js`: the page's start-up script. */
export function registerServeDocsInit(app: App) {
  app.get('/docs/init.js', (c) =>
    c.body(INIT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': PAGE_CACHE_CONTROL }),
  );
}
