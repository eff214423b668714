import { createRoute } from '@hono/zod-openapi';
import { listBroadcasts } from '../../../db/queries/broadcasts';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { BroadcastSchema, presentBroadcast } from './schema';

export const listBroadcastsRoute = createRoute({
  method: 'get',
  path: '/v1/broadcasts',
  tags: ['Broadcasts'],
  summary: 'Sends to topics, newest first',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('brd') },
  responses: { 200: json(pageOf(BroadcastSchema), 'A page of broadcasts'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListBroadcasts(app: App) {
  app.openapi(listBroadcastsRoute, async (c) => {
    const page = await listBroadcasts(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentBroadcast), next: page.next }, 200);
  });
}
