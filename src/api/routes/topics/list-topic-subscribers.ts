import { z } from '@hono/zod-openapi';
import { membersAfter } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const listTopicSubscribersRoute = operation({
  method: 'get',
  path: '/v1/topics/{key}/subscribers',
  operationId: 'listTopicSubscribers',
  tags: ['Topics'],
  summary: "A topic's subscribers (your ids), in a stable order",
  description: 'Pages with a cursor.',
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
