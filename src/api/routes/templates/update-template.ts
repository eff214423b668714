import { createRoute } from '@hono/zod-openapi';
import { editTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { presentTemplate, TemplateKeyParam, TemplateSchema, UpdateTemplateBody } from './schema';

export const updateTemplateRoute = createRoute({
  method: 'patch',
  path: '/v1/templates/{key}',
  tags: ['Templates'],
  summary: 'Edit the draft (sends keep the published version until the next publish)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: TemplateKeyParam, body: jsonBody(UpdateTemplateBody) },
  responses: { 200: json(TemplateSchema, 'Updated draft'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateTemplate(app: App) {
  app.openapi(updateTemplateRoute, async (c) => {
    const row = await editTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key, c.req.valid('json'));
    await audit(c, {
      action: 'template.updated',
      targetType: 'template',
      targetId: row.key,
      details: { fields: Object.keys(c.req.valid('json')) },
    });
    return c.json(presentTemplate(row), 200);
  });
}
