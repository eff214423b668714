import type { App } from '../../context';
import { registerServeDocsInit } from './serve-docs-init';
import { registerServeDocsPage } from './serve-docs-page';
import { registerServeSwaggerUiBundle } from './serve-swagger-ui-bundle';
import { registerServeSwaggerUiCss } from './serve-swagger-ui-css';

/** The API reference at `/docs`: Swagger UI served from the Worker (pinned `swagger-ui-dist`), over `/openapi.json`. */
export function registerDocsRoutes(app: App) {
  registerServeDocsPage(app);
  registerServeDocsInit(app);
  registerServeSwaggerUiBundle(app);
  registerServeSwaggerUiCss(app);
}
