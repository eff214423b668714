import { listSubscribers } from '../../../db/queries/subscribers';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentSubscriber, SubscriberSchema } from './schema';

export const listSubscribersRoute = operation({
  method: 'get',
  path: '/v1/subscribers',
  operationId: 'listSubscribers',
  tags: ['Subscribers'],
  summary: 'List subscribers, newest first',
  description: 'Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('sub') },
  responses: { 200: json(pageOf(SubscriberSchema), 'A page of subscribers'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListSubscribers(app: App) {
  app.openapi(listSubscribersRoute, async (c) => {
    const page = await listSubscribers(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentSubscriber), next: page.next }, 200);
  });
}
