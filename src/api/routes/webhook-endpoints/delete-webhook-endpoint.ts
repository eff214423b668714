import { deleteEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { EndpointIdParam } from './schema';

export const deleteEndpointRoute = operation({
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'deleteWebhookEndpoint',
  tags: ['Webhooks'],
  summary: 'Remove an endpoint and its delivery history',
  description: 'Events stop being sent to it at once.',
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerDeleteWebhookEndpoint(app: App) {
  app.openapi(deleteEndpointRoute, async (c) => {
    await deleteEndpoint(appContextOf(c), actorOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
