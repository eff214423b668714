import { createRoute } from '@hono/zod-openapi';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { broadcastWithProgress } from './broadcast-progress';
import { BroadcastIdParam, BroadcastWithProgressSchema } from './schema';

export const getBroadcastRoute = createRoute({
  method: 'get',
  path: '/v1/broadcasts/{id}',
  tags: ['Broadcasts'],
  summary: 'A broadcast and its progress: total, enqueued, sent, failed …',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: BroadcastIdParam },
  responses: { 200: json(BroadcastWithProgressSchema, 'The broadcast'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetBroadcast(app: App) {
  app.openapi(getBroadcastRoute, async (c) => {
    return c.json(await broadcastWithProgress(c.var.db, authOf(c).tenantId, c.req.valid('param').id), 200);
  });
}
