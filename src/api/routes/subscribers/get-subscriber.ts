import { createRoute } from '@hono/zod-openapi';
import { getSubscriber } from '../../../db/queries/subscribers';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ExternalIdParam, presentSubscriber, SubscriberSchema } from './schema';

export const getSubscriberRoute = createRoute({
  method: 'get',
  path: '/v1/subscribers/{externalId}',
  tags: ['Subscribers'],
  summary: 'Get a subscriber by your own user id',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: ExternalIdParam },
  responses: { 200: json(SubscriberSchema, 'The subscriber'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetSubscriber(app: App) {
  app.openapi(getSubscriberRoute, async (c) => {
    const row = await getSubscriber(c.var.db, authOf(c).tenantId, c.req.valid('param').externalId);
    if (!row) throw notFound('Subscriber');
    return c.json(presentSubscriber(row), 200);
  });
}
