// Bundled as text, not as code (wrangler.toml [[rules]] for swagger-ui-dist): the Worker serves it, never runs it.
import bundleJs from 'swagger-ui-dist/swagger-ui-bundle.js';
import type { App } from '../../context';
import { SWAGGER_UI_BASE, SWAGGER_UI_CACHE_CONTROL } from './assets';

/** `GET /docs/swagger-ui/<version>/swagger-ui-bundle.js`: Swagger UI itself, from the pinned npm package. */
export function registerServeSwaggerUiBundle(app: App) {
  app.get(`${SWAGGER_UI_BASE}/swagger-ui-bundle.js`, (c) =>
    c.body(bundleJs, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': SWAGGER_UI_CACHE_CONTROL,
    }),
  );
}
