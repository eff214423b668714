import { removeMembers } from '../../../db/queries/topics';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { TopicMemberParam } from './schema';
import { topicOf } from './topic-lookup';

export const removeTopicSubscriberRoute = operation({
  method: 'delete',
  path: '/v1/topics/{key}/subscribers/{subscriberId}',
  operationId: 'removeTopicSubscriber',
  tags: ['Topics'],
  summary: 'Remove one subscriber from a topic',
  description: 'For many at once, `POST /v1/topics/{key}/subscribers/remove`.',
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicMemberParam },
  responses: { 204: { description: 'Removed' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerRemoveTopicSubscriber(app: App) {
  app.openapi(removeTopicSubscriberRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { key, subscriberId } = c.req.valid('param');
    const topic = await topicOf(c.var.db, tenantId, key);
    if ((await removeMembers(c.var.db, tenantId, topic.id, [subscriberId])) === 0) throw notFound('Topic member');
    return c.body(null, 204);
  });
}
