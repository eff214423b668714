import { updateEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, presentEndpoint, UpdateWebhookEndpointBody, WebhookEndpointSchema } from './schema';

export const updateEndpointRoute = operation({
  method: 'patch',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'updateWebhookEndpoint',
  tags: ['Webhooks'],
  summary: 'Change the URL, event types or description; enable or disable',
  description: 'Re-enabling an endpoint we disabled clears its failure streak.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: EndpointIdParam,
    body: jsonBody(UpdateWebhookEndpointBody, { events: ['delivery.failed', 'delivery.bounced'], enabled: true }),
  },
  responses: { 200: json(WebhookEndpointSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateWebhookEndpoint(app: App) {
  app.openapi(updateEndpointRoute, async (c) => {
    const row = await updateEndpoint(appContextOf(c), actorOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentEndpoint(row), 200);
  });
}
