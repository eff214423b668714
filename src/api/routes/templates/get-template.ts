import { requireTemplate } from '../../../domain/templates/manage-templates';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentTemplate, TemplateKeyParam, TemplateSchema } from './schema';

export const getTemplateRoute = operation({
  method: 'get',
  path: '/v1/templates/{key}',
  operationId: 'getTemplate',
  tags: ['Templates'],
  summary: 'A template with its draft and published version number',
  description: 'The draft is what you edit; `publishedVersion` is what sends render.',
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam },
  responses: { 200: json(TemplateSchema, 'The template'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetTemplate(app: App) {
  app.openapi(getTemplateRoute, async (c) => {
    return c.json(presentTemplate(await requireTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key)), 200);
  });
}
