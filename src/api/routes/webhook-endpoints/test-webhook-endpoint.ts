import { createRoute } from '@hono/zod-openapi';
import { testEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, TestResultSchema } from './schema';

export const testRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/test',
  tags: ['Webhooks'],
  summary: 'Send a signed `webhook.test` event now and return what the endpoint answered',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: { 200: json(TestResultSchema, 'The attempt'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerTestWebhookEndpoint(app: App) {
  app.openapi(testRoute, async (c) => {
    const r = await testEndpoint(appContextOf(c), actorOf(c), c.req.valid('param').id);
    return c.json(
      {
        eventId: r.eventId,
        succeeded: r.succeeded,
        statusCode: r.statusCode,
        durationMs: r.durationMs,
        responseSnippet: r.responseSnippet,
        error: r.error,
      },
      200,
    );
  });
}
