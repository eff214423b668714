import { cancelBroadcastDeliveries, endBroadcast, getBroadcast } from '../../../db/queries/broadcasts';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { broadcastWithProgress } from './broadcast-progress';
import { BroadcastIdParam, BroadcastWithProgressSchema } from './schema';

export const cancelBroadcastRoute = operation({
  method: 'post',
  path: '/v1/broadcasts/{id}/cancel',
  operationId: 'cancelBroadcast',
  tags: ['Broadcasts'],
  summary: 'Stop the fan-out and cancel deliveries not yet sent',
  description:
    'Deliveries already handed to a provider stay sent; the rest end as canceled. Canceling a finished broadcast changes nothing.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: BroadcastIdParam },
  responses: { 200: json(BroadcastWithProgressSchema, 'After canceling'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerCancelBroadcast(app: App) {
  app.openapi(cancelBroadcastRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    if (!(await getBroadcast(c.var.db, tenantId, id))) throw notFound('Broadcast');
    // Stop the chain first, so no chunk creates notifications after the deliveries are canceled.
    await endBroadcast(c.var.db, tenantId, id, 'canceled', null);
    await cancelBroadcastDeliveries(c.var.db, tenantId, id);
    return c.json(await broadcastWithProgress(c.var.db, tenantId, id), 200);
  });
}
