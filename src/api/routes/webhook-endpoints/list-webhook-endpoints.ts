import { listWebhookEndpoints } from '../../../db/queries/webhook-endpoints';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentEndpoint, WebhookEndpointSchema } from './schema';

export const listEndpointsRoute = operation({
  method: 'get',
  path: '/v1/webhook-endpoints',
  operationId: 'listWebhookEndpoints',
  tags: ['Webhooks'],
  summary: 'List webhook endpoints (secrets never included)',
  description: 'Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('whe') },
  responses: {
    200: json(pageOf(WebhookEndpointSchema), 'A page of endpoints'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListWebhookEndpoints(app: App) {
  app.openapi(listEndpointsRoute, async (c) => {
    const page = await listWebhookEndpoints(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentEndpoint), next: page.next }, 200);
  });
}
