import { publishTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, optionalJsonBody } from '../../openapi';
import { operation } from '../../operation';
import { PublishBody, presentTemplate, TemplateKeyParam, TemplateSchema } from './schema';

export const publishTemplateRoute = operation({
  method: 'post',
  path: '/v1/templates/{key}/publish',
  operationId: 'publishTemplate',
  tags: ['Templates'],
  summary: 'Freeze the draft as a new immutable version, or publish an earlier version again (rollback)',
  description:
    'With no body the draft is published as the next version; with `version`, that earlier version becomes the one sends use.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: TemplateKeyParam,
    body: optionalJsonBody(PublishBody, { version: 3 }),
  },
  responses: { 200: json(TemplateSchema, 'Published'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409) },
});

export function registerPublishTemplate(app: App) {
  app.openapi(publishTemplateRoute, async (c) => {
    // The body is optional (`{}` or none publishes the draft); the JSON guard has already checked its syntax.
    const raw = await c.req.text();
    const parsed = PublishBody.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw validationError(parsed.error, 'json');
    const body = parsed.data;
    const row = await publishTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key, body.version);
    await audit(c, {
      action: 'template.published',
      targetType: 'template',
      targetId: row.key,
      details: { version: row.publishedVersion, rollback: body.version !== undefined },
    });
    return c.json(presentTemplate(row), 200);
  });
}
