import type { App } from '../../context';
import { pageSecurityHeaders } from '../../middleware/page-security';
import { PAGE_CACHE_CONTROL, SWAGGER_UI_BASE } from './assets';

/** Everything it loads comes from this Worker: no CDN, so the reference works offline and cannot be swapped. */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>notifykit API reference</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${SWAGGER_UI_BASE}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <noscript>The API reference needs JavaScript. The OpenAPI document itself is at
      <a href="/openapi.json">/openapi.json</a>.</noscript>
    <script src="${SWAGGER_UI_BASE}/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** Only this origin's scripts, styles and connections; images also as data: URLs (Swagger UI's icons). */
const pageSecurity = pageSecurityHeaders();

/** `GET /docs`: the API reference (Swagger UI) over `/openapi.json`. */
export function registerServeDocsPage(app: App) {
  app.get('/docs', pageSecurity, (c) =>
    c.body(PAGE, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': PAGE_CACHE_CONTROL }),
  );
}
