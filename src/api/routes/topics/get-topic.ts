import { countMembers } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentTopic, TopicKeyParam, TopicSchema } from './schema';
import { topicOf } from './topic-lookup';

export const getTopicRoute = operation({
  method: 'get',
  path: '/v1/topics/{key}',
  operationId: 'getTopic',
  tags: ['Topics'],
  summary: 'A topic',
  description: 'With its subscriber count.',
  middleware: [requireScope('read')] as const,
  request: { params: TopicKeyParam },
  responses: { 200: json(TopicSchema, 'The topic'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetTopic(app: App) {
  app.openapi(getTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json(presentTopic({ ...topic, subscriberCount: await countMembers(c.var.db, tenantId, topic.id) }), 200);
  });
}
