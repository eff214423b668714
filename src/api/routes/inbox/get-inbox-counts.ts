import { inboxStatus } from '../../../db/queries/inbox';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { InboxCountsSchema } from './schema';

export const getInboxCountsRoute = operation({
  method: 'get',
  path: '/v1/inbox/counts',
  operationId: 'getInboxCounts',
  tags: ['Inbox'],
  summary: 'Unread and unseen counts',
  description:
    'Cheap enough to poll for a badge; the live socket (GET /v1/inbox/ws) pushes the same counts when they change.',
  middleware: [requireSubscriber('inbox')] as const,
  responses: { 200: json(InboxCountsSchema, 'Counts'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetInboxCounts(app: App) {
  app.openapi(getInboxCountsRoute, async (c) => {
    const me = c.get('subscriber')!;
    const status = await inboxStatus(c.var.db, me.tenantId, me.subscriberId);
    if (!status) throw notFound('Subscriber');
    return c.json({ ...status.counts, streamCursor: status.seq }, 200);
  });
}
