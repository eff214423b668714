import { getWebhookEndpoint } from '../../../db/queries/webhook-endpoints';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { EndpointIdParam, presentEndpoint, WebhookEndpointSchema } from './schema';

export const getEndpointRoute = operation({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'getWebhookEndpoint',
  tags: ['Webhooks'],
  summary: 'A webhook endpoint',
  description: 'Its URL, event types, enabled state and failure streak; the signing secret is never included.',
  middleware: [requireScope('read')] as const,
  request: { params: EndpointIdParam },
  responses: { 200: json(WebhookEndpointSchema, 'The endpoint'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetWebhookEndpoint(app: App) {
  app.openapi(getEndpointRoute, async (c) => {
    const row = await getWebhookEndpoint(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!row) throw notFound('Webhook endpoint');
    return c.json(presentEndpoint(row), 200);
  });
}
