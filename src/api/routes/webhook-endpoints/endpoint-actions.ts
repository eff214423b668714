import { createRoute, z } from '@hono/zod-openapi';
import { getWebhookEndpoint, listWebhookAttempts } from '../../../db/queries/webhook-endpoints';
import { replay, rotateSecret, testEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { idempotent } from '../../middleware/idempotency';
import {
  AUTHED_ERRORS,
  BODY_ERRORS,
  bearerSecurity,
  errorResponses,
  json,
  jsonBody,
  pageOf,
  pageQuery,
} from '../../openapi';
import { actorOf } from '../providers/actor';
import { endpointContext } from './endpoint-context';
import {
  AttemptSchema,
  EndpointIdParam,
  presentAttempt,
  ReplayBody,
  ReplaySchema,
  RotatedSecretSchema,
  TestResultSchema,
} from './schema';

const tags = ['Webhooks'];

export const rotateSecretRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  tags,
  summary: 'Issue a new signing secret; the old one keeps signing alongside it for 24 h',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: {
    200: json(RotatedSecretSchema, 'The new secret (shown once)'),
    ...errorResponses(...AUTHED_ERRORS, 404),
  },
});

export const listAttemptsRoute = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}/attempts',
  tags,
  summary: 'Delivery attempts to this endpoint, newest first',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: {
    params: EndpointIdParam,
    query: pageQuery('wha').extend({
      eventId: z.string().max(64).optional(),
      outcome: z.enum(['succeeded', 'failed']).optional(),
    }),
  },
  responses: { 200: json(pageOf(AttemptSchema), 'A page of attempts'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export const replayRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/replay',
  tags,
  summary: 'Re-send the events of a time window (e.g. after an outage)',
  description:
    'Events are kept 30 days. Each is re-sent with its original id, so receivers deduplicate by `webhook-id`. At most 10,000 events per call.',
  security: bearerSecurity,
  middleware: [requireScope('admin'), idempotent] as const,
  request: { params: EndpointIdParam, body: jsonBody(ReplayBody) },
  responses: {
    202: json(ReplaySchema, 'Replay scheduled'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const testRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/test',
  tags,
  summary: 'Send a signed `webhook.test` event now and return what the endpoint answered',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: { 200: json(TestResultSchema, 'The attempt'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerEndpointActions(app: App) {
  app.openapi(rotateSecretRoute, async (c) => {
    return c.json(await rotateSecret(endpointContext(c), actorOf(c), c.req.valid('param').id), 200);
  });
  app.openapi(listAttemptsRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    if (!(await getWebhookEndpoint(c.var.db, tenantId, id))) throw notFound('Webhook endpoint');
    const q = c.req.valid('query');
    const page = await listWebhookAttempts(c.var.db, tenantId, id, { eventId: q.eventId, outcome: q.outcome }, q);
    return c.json({ data: page.data.map(presentAttempt), next: page.next }, 200);
  });
  app.openapi(replayRoute, async (c) => {
    return c.json(await replay(endpointContext(c), actorOf(c), c.req.valid('param').id, c.req.valid('json')), 202);
  });
  app.openapi(testRoute, async (c) => {
    const r = await testEndpoint(endpointContext(c), actorOf(c), c.req.valid('param').id);
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
