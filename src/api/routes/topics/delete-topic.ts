import { deleteTopic } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { TopicKeyParam } from './schema';
import { topicOf } from './topic-lookup';

export const deleteTopicRoute = operation({
  method: 'delete',
  path: '/v1/topics/{key}',
  operationId: 'deleteTopic',
  tags: ['Topics'],
  summary: 'Delete a topic and its memberships (subscribers are kept)',
  description: 'Broadcasts already started continue.',
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: TopicKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerDeleteTopic(app: App) {
  app.openapi(deleteTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    await deleteTopic(c.var.db, tenantId, topic.id);
    return c.body(null, 204);
  });
}
