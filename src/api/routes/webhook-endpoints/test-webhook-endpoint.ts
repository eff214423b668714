import { testEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, TestResultSchema } from './schema';

export const testRoute = operation({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/test',
  operationId: 'testWebhookEndpoint',
  tags: ['Webhooks'],
  summary: 'Send a signed `webhook.test` event now and return what the endpoint answered',
  description:
    "Use it to check a receiver's URL and signature verification; the result holds the status code and the time it took.",
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
