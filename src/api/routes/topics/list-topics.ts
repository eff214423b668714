import { listTopics } from '../../../db/queries/topics';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentTopic, TopicSchema } from './schema';

export const listTopicsRoute = operation({
  method: 'get',
  path: '/v1/topics',
  operationId: 'listTopics',
  tags: ['Topics'],
  summary: 'List topics with their subscriber counts',
  description: 'Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('top') },
  responses: { 200: json(pageOf(TopicSchema), 'A page of topics'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListTopics(app: App) {
  app.openapi(listTopicsRoute, async (c) => {
    const page = await listTopics(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentTopic), next: page.next }, 200);
  });
}
