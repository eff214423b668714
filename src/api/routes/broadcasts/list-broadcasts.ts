import { listBroadcasts } from '../../../db/queries/broadcasts';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { BroadcastSchema, presentBroadcast } from './schema';

export const listBroadcastsRoute = operation({
  method: 'get',
  path: '/v1/broadcasts',
  operationId: 'listBroadcasts',
  tags: ['Broadcasts'],
  summary: 'Sends to topics, newest first',
  description: 'A broadcast is created by every send to a topic; this pages through them with their status.',
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
