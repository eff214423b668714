import { createEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { CreatedWebhookEndpointSchema, CreateWebhookEndpointBody, presentEndpoint } from './schema';

export const createEndpointRoute = operation({
  method: 'post',
  path: '/v1/webhook-endpoints',
  operationId: 'createWebhookEndpoint',
  tags: ['Webhooks'],
  summary: 'Add an endpoint that receives signed events',
  description: 'The response carries the signing secret (`whsec_…`) once. Every event is signed per Standard Webhooks.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateWebhookEndpointBody, {
      url: 'https://acme.test/webhooks/notifykit',
      events: ['delivery.delivered', 'delivery.failed', 'delivery.bounced'],
    }),
  },
  responses: {
    201: json(CreatedWebhookEndpointSchema, 'Created'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409),
  },
});

export function registerCreateWebhookEndpoint(app: App) {
  app.openapi(createEndpointRoute, async (c) => {
    const { row, secret } = await createEndpoint(appContextOf(c), actorOf(c), c.req.valid('json'));
    return c.json({ ...presentEndpoint(row), secret }, 201);
  });
}
