import { createRoute } from '@hono/zod-openapi';
import { listCategories } from '../../../db/queries/preferences';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf } from '../../openapi';
import { CategorySchema, presentCategory } from './schema';

export const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/v1/categories',
  tags: ['Preferences'],
  summary: "The tenant's categories",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(pageOf(CategorySchema), 'Every category (one page: `next` is always null)'),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

export function registerListCategories(app: App) {
  app.openapi(listCategoriesRoute, async (c) => {
    const data = (await listCategories(c.var.db, authOf(c).tenantId)).map(presentCategory);
    return c.json({ data, next: null }, 200);
  });
}
