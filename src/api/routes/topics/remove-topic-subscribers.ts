import { createRoute, z } from '@hono/zod-openapi';
import { removeMembers } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { MembersBody, TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const removeTopicSubscribersRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{key}/subscribers/remove',
  tags: ['Topics'],
  summary: 'Remove up to 1,000 subscribers from a topic',
  description:
    'A POST, because a DELETE with a body is dropped by some proxies and clients. Ids that are not members are ignored.',
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody) },
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
