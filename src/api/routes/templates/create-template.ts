import { createRoute } from '@hono/zod-openapi';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import { createTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { CreateTemplateBody, presentTemplate, TemplateSchema } from './schema';

export const createTemplateRoute = createRoute({
  method: 'post',
  path: '/v1/templates',
  tags: ['Templates'],
  summary: 'Create a template (as a draft; publish to use it in sends)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(CreateTemplateBody) },
  responses: { 201: json(TemplateSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateTemplate(app: App) {
  app.openapi(createTemplateRoute, async (c) => {
    const body = c.req.valid('json');
    const input =
      'starter' in body
        ? (() => {
            const { name, ...starter } = STARTER_TEMPLATES[body.starter]!;
            return { ...structuredClone(starter), key: body.key, name: body.name ?? name };
          })()
        : body;
    const row = await createTemplate(c.var.db, authOf(c).tenantId, input);
    await audit(c, { action: 'template.created', targetType: 'template', targetId: row.key });
    return c.json(presentTemplate(row), 201);
  });
}
