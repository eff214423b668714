import { createRoute } from '@hono/zod-openapi';
import { rotateSecret } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, RotatedSecretSchema } from './schema';

export const rotateSecretRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  tags: ['Webhooks'],
  summary: 'Issue a new signing secret; the old one keeps signing alongside it for 24 h',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: {
    200: json(RotatedSecretSchema, 'The new secret (shown once)'),
    ...errorResponses(...AUTHED_ERRORS, 404),
  },
});

export function registerRotateWebhookSecret(app: App) {
  app.openapi(rotateSecretRoute, async (c) => {
    return c.json(await rotateSecret(appContextOf(c), actorOf(c), c.req.valid('param').id), 200);
  });
}
