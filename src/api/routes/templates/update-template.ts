import { editTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentTemplate, TemplateKeyParam, TemplateSchema, UpdateTemplateBody } from './schema';

export const updateTemplateRoute = operation({
  method: 'patch',
  path: '/v1/templates/{key}',
  operationId: 'updateTemplate',
  tags: ['Templates'],
  summary: 'Edit the draft (sends keep the published version until the next publish)',
  description: 'Only the fields sent change.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: TemplateKeyParam,
    body: jsonBody(UpdateTemplateBody, {
      locales: { en: { email: { subject: 'Welcome aboard, {{ name }}', text: 'Hi {{ name }}, thanks for joining.' } } },
    }),
  },
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
