import { createRoute } from '@hono/zod-openapi';
import { addMembers } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { AddedMembersSchema, MembersBody, TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const addTopicSubscribersRoute = createRoute({
  method: 'put',
  path: '/v1/topics/{key}/subscribers',
  tags: ['Topics'],
  summary: 'Add up to 1,000 subscribers (by your ids) to a topic; idempotent',
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody) },
  responses: { 200: json(AddedMembersSchema, 'Added'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerAddTopicSubscribers(app: App) {
  app.openapi(addTopicSubscribersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json(await addMembers(c.var.db, tenantId, topic.id, c.req.valid('json').subscribers), 200);
  });
}
