import { listInbox } from '../../../db/queries/inbox';
import { presentInboxMessage } from '../../../domain/inbox/protocol';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { InboxPageSchema, InboxQuery } from './schema';

export const getInboxRoute = operation({
  method: 'get',
  path: '/v1/inbox',
  operationId: 'getInbox',
  tags: ['Inbox'],
  summary: "The subscriber's inbox, newest first",
  description: 'In-app messages of the subscriber the token was issued for, filtered by state and paged with a cursor.',
  middleware: [requireSubscriber('inbox')] as const,
  request: { query: InboxQuery },
  responses: { 200: json(InboxPageSchema, 'A page of messages'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetInbox(app: App) {
  app.openapi(getInboxRoute, async (c) => {
    const me = c.get('subscriber')!;
    const page = await listInbox(c.var.db, me.tenantId, me.subscriberId, c.req.valid('query'));
    if (!page) throw notFound('Subscriber');
    return c.json({ data: page.data.map(presentInboxMessage), next: page.next, streamCursor: page.seq }, 200);
  });
}
