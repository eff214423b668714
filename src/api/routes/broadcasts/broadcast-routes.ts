import { createRoute } from '@hono/zod-openapi';
import {
  broadcastProgress,
  cancelBroadcastDeliveries,
  endBroadcast,
  getBroadcast,
  listBroadcasts,
} from '../../../db/queries/broadcasts';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { BroadcastIdParam, BroadcastSchema, BroadcastWithProgressSchema, presentBroadcast } from './schema';

const tags = ['Broadcasts'];

const listRoute = createRoute({
  method: 'get',
  path: '/v1/broadcasts',
  tags,
  summary: 'Sends to topics, newest first',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('brd') },
  responses: { 200: json(pageOf(BroadcastSchema), 'A page of broadcasts'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/broadcasts/{id}',
  tags,
  summary: 'A broadcast and its progress: total, enqueued, sent, failed …',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: BroadcastIdParam },
  responses: { 200: json(BroadcastWithProgressSchema, 'The broadcast'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/v1/broadcasts/{id}/cancel',
  tags,
  summary: 'Stop the fan-out and cancel deliveries not yet sent',
  security: bearerSecurity,
  middleware: [requireScope('notifications:write')] as const,
  request: { params: BroadcastIdParam },
  responses: { 200: json(BroadcastWithProgressSchema, 'After canceling'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerBroadcastRoutes(app: App) {
  const withProgress = async (db: Parameters<typeof getBroadcast>[0], tenantId: string, id: string) => {
    const b = await getBroadcast(db, tenantId, id);
    if (!b) throw notFound('Broadcast');
    const p = await broadcastProgress(db, tenantId, id);
    const { notifications, ...rest } = p;
    return { ...presentBroadcast(b), progress: { enqueued: notifications, ...rest } };
  };
  app.openapi(listRoute, async (c) => {
    const page = await listBroadcasts(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentBroadcast), next: page.next }, 200);
  });
  app.openapi(getRoute, async (c) => {
    return c.json(await withProgress(c.var.db, authOf(c).tenantId, c.req.valid('param').id), 200);
  });
  app.openapi(cancelRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    if (!(await getBroadcast(c.var.db, tenantId, id))) throw notFound('Broadcast');
    // Stop the chain first, so no chunk creates notifications after the deliveries are canceled.
    await endBroadcast(c.var.db, tenantId, id, 'canceled', null);
    await cancelBroadcastDeliveries(c.var.db, tenantId, id);
    return c.json(await withProgress(c.var.db, tenantId, id), 200);
  });
}
