// Bundled as text (wrangler.toml [[rules]] for swagger-ui-dist): the Worker serves it as it ships.
import css from 'swagger-ui-dist/swagger-ui.css';
import type { App } from '../../context';
import { SWAGGER_UI_BASE, SWAGGER_UI_CACHE_CONTROL } from './assets';

/** `GET /docs/swagger-ui/<version>/swagger-ui.css`: Swagger UI's stylesheet, from the pinned npm package. */
export function registerServeSwaggerUiCss(app: App) {
  app.get(`${SWAGGER_UI_BASE}/swagger-ui.css`, (c) =>
    c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': SWAGGER_UI_CACHE_CONTROL }),
  );
}
