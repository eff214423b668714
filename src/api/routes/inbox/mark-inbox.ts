import { markInbox } from '../../../db/queries/inbox';
import { recordEngagement } from '../../../domain/analytics/record-engagement';
import { inboxEngagement } from '../../../domain/inbox/engagement';
import { publishInboxChanges } from '../../../domain/inbox/publish';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { MarkBody, MarkResultSchema } from './schema';

export const markInboxRoute = operation({
  method: 'post',
  path: '/v1/inbox/mark',
  operationId: 'markInbox',
  tags: ['Inbox'],
  summary: 'Mark messages seen, read or archived (or undo)',
  description:
    "Every open socket of the subscriber receives the change and the new counts. Other subscribers' ids are ignored.",
  middleware: [requireSubscriber('inbox')] as const,
  request: { body: jsonBody(MarkBody, { ids: ['dlv_01jh5x3k2m8q9r7s6t5v4w3x2y'], state: 'read' }) },
  responses: { 200: json(MarkResultSchema, 'Marked'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerMarkInbox(app: App) {
  app.openapi(markInboxRoute, async (c) => {
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
