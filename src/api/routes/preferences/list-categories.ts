import { listCategories } from '../../../db/queries/preferences';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf } from '../../openapi';
import { operation } from '../../operation';
import { CategorySchema, presentCategory } from './schema';

export const listCategoriesRoute = operation({
  method: 'get',
  path: '/v1/categories',
  operationId: 'listCategories',
  tags: ['Preferences'],
  summary: "The tenant's categories",
  description: 'The categories sends can name and subscribers can opt out of.',
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
