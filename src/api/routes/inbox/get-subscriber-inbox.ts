import { listInbox } from '../../../db/queries/inbox';
import { getSubscriber } from '../../../db/queries/subscribers';
import { presentInboxMessage } from '../../../domain/inbox/protocol';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam } from '../subscribers/schema';
import { InboxPageSchema, InboxQuery } from './schema';

/** The tenant's view of one subscriber's inbox (support tools, debugging), with an API key. */
export const getSubscriberInboxRoute = operation({
  method: 'get',
  path: '/v1/subscribers/{externalId}/inbox',
  operationId: 'getSubscriberInbox',
  tags: ['Inbox'],
  summary: "A subscriber's inbox, newest first",
  description: 'The same feed the subscriber sees, read with an API key: for support tools and server-side rendering.',
  middleware: [requireScope('read')] as const,
  request: { params: ExternalIdParam, query: InboxQuery },
  responses: { 200: json(InboxPageSchema, 'A page of messages'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetSubscriberInbox(app: App) {
  app.openapi(getSubscriberInboxRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const sub = await getSubscriber(c.var.db, tenantId, c.req.valid('param').externalId);
    if (!sub) throw notFound('Subscriber');
    const page = await listInbox(c.var.db, tenantId, sub.id, c.req.valid('query'));
    if (!page) throw notFound('Subscriber');
    return c.json({ data: page.data.map(presentInboxMessage), next: page.next, streamCursor: page.seq }, 200);
  });
}
