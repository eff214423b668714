import { cancelBroadcastDeliveries, endBroadcast, getBroadcast } from '../../../db/queries/broadcasts';
import { ApiError, notFound } from '../../../errors';
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
    'Deliveries already handed to a provider stay sent; the rest end as canceled. A broadcast that has finished ' +
    '(fan-out over, nothing pending) and was not canceled → 409; canceling a canceled one again answers it as it is.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: BroadcastIdParam },
  responses: {
    200: json(BroadcastWithProgressSchema, 'After canceling'),
    ...errorResponses(...AUTHED_ERRORS, 404, 409),
  },
});

export function registerCancelBroadcast(app: App) {
  app.openapi(cancelBroadcastRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    const broadcast = await getBroadcast(c.var.db, tenantId, id);
    if (!broadcast) throw notFound('Broadcast');
    // Stop the chain first, so no chunk creates notifications after the deliveries are canceled.
    const ended = await endBroadcast(c.var.db, tenantId, id, 'canceled', null);
    const canceled = (await cancelBroadcastDeliveries(c.var.db, tenantId, id)).rowCount ?? 0;
    const after = await broadcastWithProgress(c.var.db, tenantId, id);
    const nothingToCancel = ended.length === 0 && canceled === 0 && after.progress.pending === 0;
    if (nothingToCancel && broadcast.status !== 'canceled') {
      throw new ApiError('conflict', `Broadcast already ${broadcast.status}: nothing left to cancel`);
    }
    return c.json(after, 200);
  });
}
