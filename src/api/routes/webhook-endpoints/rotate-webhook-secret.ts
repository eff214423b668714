import { rotateSecret } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, RotatedSecretSchema } from './schema';

export const rotateSecretRoute = operation({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tags: ['Webhooks'],
  summary: 'Issue a new signing secret; the old one keeps signing alongside it for 24 h',
  description:
    'The response carries the new secret once. During the overlap each event carries both signatures, so the receiver can switch without dropping events.',
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
