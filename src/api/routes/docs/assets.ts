import swaggerUiPackage from 'swagger-ui-dist/package.json';

/**
 * Swagger UI's files are served from a path that names the pinned version, so browsers may keep them for a year: a
 * new version is a new URL. The page and its init script change with our deploys and are revalidated instead.
 */
export const SWAGGER_UI_BASE = `/docs/swagger-ui/${swaggerUiPackage.version}`;
export const SWAGGER_UI_CACHE_CONTROL = 'public, max-age=31536000, immutable';
export const PAGE_CACHE_CONTROL = 'no-cache';
