import { createRoute } from '@hono/zod-openapi';
import { requireTemplate } from '../../../domain/templates/manage-templates';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { presentTemplate, TemplateKeyParam, TemplateSchema } from './schema';

export const getTemplateRoute = createRoute({
  method: 'get',
  path: '/v1/templates/{key}',
  tags: ['Templates'],
  summary: 'A template with its draft and published version number',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam },
  responses: { 200: json(TemplateSchema, 'The template'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetTemplate(app: App) {
  app.openapi(getTemplateRoute, async (c) => {
    return c.json(presentTemplate(await requireTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key)), 200);
  });
}
