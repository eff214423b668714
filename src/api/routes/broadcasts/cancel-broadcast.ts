import { createRoute } from '@hono/zod-openapi';
import { cancelBroadcastDeliveries, endBroadcast, getBroadcast } from '../../../db/queries/broadcasts';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { broadcastWithProgress } from './broadcast-progress';
import { BroadcastIdParam, BroadcastWithProgressSchema } from './schema';

export const cancelBroadcastRoute = createRoute({
  method: 'post',
  path: '/v1/broadcasts/{id}/cancel',
  tags: ['Broadcasts'],
  summary: 'Stop the fan-out and cancel deliveries not yet sent',
  security: bearerSecurity,
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
