import { addMembers } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { AddedMembersSchema, MembersBody, TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const addTopicSubscribersRoute = operation({
  method: 'put',
  path: '/v1/topics/{key}/subscribers',
  operationId: 'addTopicSubscribers',
  tags: ['Topics'],
  summary: 'Add up to 1,000 subscribers (by your ids) to a topic; idempotent',
  description:
    'Subscribers already in the topic are skipped, so repeating the call adds nothing twice. Unknown subscriber ids are reported in the response.',
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody, { subscribers: ['user-42', 'user-43'] }) },
  responses: { 200: json(AddedMembersSchema, 'Added'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerAddTopicSubscribers(app: App) {
  app.openapi(addTopicSubscribersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json(await addMembers(c.var.db, tenantId, topic.id, c.req.valid('json').subscribers), 200);
  });
}
