import { createRoute } from '@hono/zod-openapi';
import { inboxStatus, listInbox, markInbox } from '../../../db/queries/inbox';
import { recordEngagement } from '../../../domain/analytics/record-engagement';
import { inboxEngagement } from '../../../domain/inbox/engagement';
import { presentInboxMessage } from '../../../domain/inbox/protocol';
import { publishInboxChanges } from '../../../domain/inbox/publish';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { InboxCountsSchema, InboxPageSchema, InboxQuery, MarkBody, MarkResultSchema } from './schema';

/** The subscriber's own inbox, with a subscriber token (scope `inbox`). docs/inbox.md */

const subscriberSecurity = [{ SubscriberToken: [] }];

const feedRoute = createRoute({
  method: 'get',
  path: '/v1/inbox',
  tags: ['Inbox'],
  summary: "The subscriber's inbox, newest first",
  security: subscriberSecurity,
  middleware: [requireSubscriber('inbox')] as const,
  request: { query: InboxQuery },
  responses: { 200: json(InboxPageSchema, 'A page of messages'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

const countsRoute = createRoute({
  method: 'get',
  path: '/v1/inbox/counts',
  tags: ['Inbox'],
  summary: 'Unread and unseen counts',
  security: subscriberSecurity,
  middleware: [requireSubscriber('inbox')] as const,
  responses: { 200: json(InboxCountsSchema, 'Counts'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

const markRoute = createRoute({
  method: 'post',
  path: '/v1/inbox/mark',
  tags: ['Inbox'],
  summary: 'Mark messages seen, read or archived (or undo)',
  description:
    "Every open socket of the subscriber receives the change and the new counts. Other subscribers' ids are ignored.",
  security: subscriberSecurity,
  middleware: [requireSubscriber('inbox')] as const,
  request: { body: jsonBody(MarkBody) },
  responses: { 200: json(MarkResultSchema, 'Marked'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerInboxRoutes(app: App) {
  app.openapi(feedRoute, async (c) => {
    const me = c.get('subscriber')!;
    const page = await listInbox(c.var.db, me.tenantId, me.subscriberId, c.req.valid('query'));
    if (!page) throw notFound('Subscriber');
    return c.json({ data: page.data.map(presentInboxMessage), next: page.next, streamCursor: page.seq }, 200);
  });

  app.openapi(countsRoute, async (c) => {
    const me = c.get('subscriber')!;
    const status = await inboxStatus(c.var.db, me.tenantId, me.subscriberId);
    if (!status) throw notFound('Subscriber');
    return c.json({ ...status.counts, streamCursor: status.seq }, 200);
  });

  app.openapi(markRoute, async (c) => {
    const me = c.get('subscriber')!;
    const body = c.req.valid('json');
    const result = await markInbox(
      c.var.db,
      me.tenantId,
      me.subscriberId,
      body.ids ? { ids: body.ids } : { all: true },
      body.state,
    );
    if (!result) throw notFound('Subscriber');
    await Promise.all([
      publishInboxChanges(c.env, c.var.log, [
        { kind: 'updated', tenantId: me.tenantId, subscriberId: me.subscriberId, ...result, state: body.state },
      ]),
      recordEngagement(
        { db: c.var.db, env: c.env, log: c.var.log },
        me.tenantId,
        'inbox',
        inboxEngagement(result.ids, body.state),
      ).catch((err) => c.var.log.warn('inbox engagement not recorded', { err })),
    ]);
    return c.json({ updated: result.ids.length, ...result.counts, streamCursor: result.seq }, 200);
  });
}
