import { createRoute, z } from '@hono/zod-openapi';
import { membersAfter } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const listTopicSubscribersRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{key}/subscribers',
  tags: ['Topics'],
  summary: "A topic's subscribers (your ids), in a stable order",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: TopicKeyParam, query: pageQuery('sub') },
  responses: {
    200: json(pageOf(z.object({ subscriberId: z.string(), addedAt: z.iso.datetime().optional() })), 'A page'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerListTopicSubscribers(app: App) {
  app.openapi(listTopicSubscribersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    const q = c.req.valid('query');
    const rows = await membersAfter(c.var.db, tenantId, topic.id, q.after ?? null, q.limit + 1);
    const data = rows.slice(0, q.limit);
    return c.json(
      {
        data: data.map((r) => ({ subscriberId: r.subscriber.externalId })),
        next: rows.length > q.limit ? (data.at(-1)?.subscriber.id ?? null) : null,
      },
      200,
    );
  });
}
