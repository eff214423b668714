import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import { createTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CreateTemplateBody, presentTemplate, TemplateSchema } from './schema';

export const createTemplateRoute = operation({
  method: 'post',
  path: '/v1/templates',
  operationId: 'createTemplate',
  tags: ['Templates'],
  summary: 'Create a template (as a draft; publish to use it in sends)',
  description:
    'Give the full content, or `starter` to copy a built-in starter template. Sends use the published version, so publish before sending.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateTemplateBody, {
      key: 'welcome',
      name: 'Welcome',
      defaultLocale: 'en',
      variables: ['name'],
      locales: {
        en: {
          email: { subject: 'Welcome, {{ name }}', html: '<p>Hi {{ name }}, thanks for joining.</p>' },
          sms: { text: 'Hi {{ name }}, welcome to Acme.' },
        },
      },
    }),
  },
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
