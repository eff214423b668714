import { getSubscriber } from '../../../db/queries/subscribers';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam, presentSubscriber, SubscriberSchema } from './schema';

export const getSubscriberRoute = operation({
  method: 'get',
  path: '/v1/subscribers/{externalId}',
  operationId: 'getSubscriber',
  tags: ['Subscribers'],
  summary: 'Get a subscriber by your own user id',
  description: 'Subscribers are addressed by the id you use for the person in your own system (`externalId`).',
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
