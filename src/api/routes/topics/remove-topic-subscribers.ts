import { z } from '@hono/zod-openapi';
import { removeMembers } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { MembersBody, TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const removeTopicSubscribersRoute = operation({
  method: 'post',
  path: '/v1/topics/{key}/subscribers/remove',
  operationId: 'removeTopicSubscribers',
  tags: ['Topics'],
  summary: 'Remove up to 1,000 subscribers from a topic',
  description:
    'A POST, because a DELETE with a body is dropped by some proxies and clients. Ids not in the topic are ignored.',
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody, { subscribers: ['user-43'] }) },
  responses: {
    200: json(z.object({ removed: z.number().int() }), 'Removed'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404),
  },
});

export function registerRemoveTopicSubscribers(app: App) {
  app.openapi(removeTopicSubscribersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json({ removed: await removeMembers(c.var.db, tenantId, topic.id, c.req.valid('json').subscribers) }, 200);
  });
}
