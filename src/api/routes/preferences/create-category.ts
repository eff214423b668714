import { createRoute } from '@hono/zod-openapi';
import { insertCategory } from '../../../db/queries/preferences';
import { ApiError } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { CategorySchema, CreateCategoryBody, presentCategory } from './schema';

export const createCategoryRoute = createRoute({
  method: 'post',
  path: '/v1/categories',
  tags: ['Preferences'],
  summary: 'Create a notification category',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(CreateCategoryBody) },
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
