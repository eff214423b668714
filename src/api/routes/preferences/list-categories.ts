import { createRoute, z } from '@hono/zod-openapi';
import { listCategories } from '../../../db/queries/preferences';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { CategorySchema, presentCategory } from './schema';

export const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/v1/categories',
  tags: ['Preferences'],
  summary: "The tenant's categories",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(z.object({ data: z.array(CategorySchema) }), 'Categories'),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

export function registerListCategories(app: App) {
  app.openapi(listCategoriesRoute, async (c) => {
    return c.json({ data: (await listCategories(c.var.db, authOf(c).tenantId)).map(presentCategory) }, 200);
  });
}
