import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { broadcastWithProgress } from './broadcast-progress';
import { BroadcastIdParam, BroadcastWithProgressSchema } from './schema';

export const getBroadcastRoute = operation({
  method: 'get',
  path: '/v1/broadcasts/{id}',
  operationId: 'getBroadcast',
  tags: ['Broadcasts'],
  summary: 'A broadcast and its progress: total, enqueued, sent, failed …',
  description:
    'Progress counters are updated as the fan-out enqueues and delivers, so polling this shows how far a large send has gone.',
  middleware: [requireScope('read')] as const,
  request: { params: BroadcastIdParam },
  responses: { 200: json(BroadcastWithProgressSchema, 'The broadcast'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetBroadcast(app: App) {
  app.openapi(getBroadcastRoute, async (c) => {
    return c.json(await broadcastWithProgress(c.var.db, authOf(c).tenantId, c.req.valid('param').id), 200);
  });
}
