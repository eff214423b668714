import { z } from '@hono/zod-openapi';
import { getWebhookEndpoint, listWebhookAttempts } from '../../../db/queries/webhook-endpoints';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { AttemptSchema, EndpointIdParam, presentAttempt } from './schema';

export const listAttemptsRoute = operation({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}/attempts',
  operationId: 'listWebhookAttempts',
  tags: ['Webhooks'],
  summary: 'Delivery attempts to this endpoint, newest first',
  description: 'Each attempt with the event, the HTTP status and the time it took, for debugging a receiver.',
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

export function registerListWebhookAttempts(app: App) {
  app.openapi(listAttemptsRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    if (!(await getWebhookEndpoint(c.var.db, tenantId, id))) throw notFound('Webhook endpoint');
    const q = c.req.valid('query');
    const page = await listWebhookAttempts(c.var.db, tenantId, id, { eventId: q.eventId, outcome: q.outcome }, q);
    return c.json({ data: page.data.map(presentAttempt), next: page.next }, 200);
  });
}
