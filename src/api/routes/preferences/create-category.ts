import { insertCategory } from '../../../db/queries/preferences';
import { ApiError } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CategorySchema, CreateCategoryBody, presentCategory } from './schema';

export const createCategoryRoute = operation({
  method: 'post',
  path: '/v1/categories',
  operationId: 'createCategory',
  tags: ['Preferences'],
  summary: 'Create a notification category',
  description:
    'Categories group notifications (for example billing or marketing) so subscribers can opt out of one without muting everything. A send names its category.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateCategoryBody, {
      key: 'marketing',
      name: 'Marketing',
      frequencyCap: { limit: 3, periodSeconds: 604_800 },
    }),
  },
  responses: { 201: json(CategorySchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateCategory(app: App) {
  app.openapi(createCategoryRoute, async (c) => {
    const created = await insertCategory(c.var.db, { tenantId: authOf(c).tenantId, ...c.req.valid('json') });
    if (!created) throw new ApiError('conflict', `Category '${c.req.valid('json').key}' already exists`);
    await audit(c, { action: 'category.created', targetType: 'category', targetId: created.key });
    return c.json(presentCategory(created), 201);
  });
}
