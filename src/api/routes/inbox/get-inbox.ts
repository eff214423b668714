import { createRoute } from '@hono/zod-openapi';
import { listInbox } from '../../../db/queries/inbox';
import { presentInboxMessage } from '../../../domain/inbox/protocol';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { InboxPageSchema, InboxQuery } from './schema';

export const getInboxRoute = createRoute({
  method: 'get',
  path: '/v1/inbox',
  tags: ['Inbox'],
  summary: "The subscriber's inbox, newest first",
  security: [{ SubscriberToken: [] }],
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
