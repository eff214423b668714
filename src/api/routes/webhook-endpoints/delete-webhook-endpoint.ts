import { createRoute } from '@hono/zod-openapi';
import { deleteEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses } from '../../openapi';
import { actorOf } from '../providers/actor';
import { EndpointIdParam } from './schema';

export const deleteEndpointRoute = createRoute({
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  tags: ['Webhooks'],
  summary: 'Remove an endpoint and its delivery history',
  security: bearerSecurity,
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
