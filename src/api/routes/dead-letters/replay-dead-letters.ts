import { requeueDeadLetters } from '../../../db/queries/dead-letters';
import { enqueueDeliveries } from '../../../queues/enqueue-deliveries';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { MAX_REPLAY, ReplayBody, ReplayResult } from './schema';

export const replayDeadLettersRoute = operation({
  method: 'post',
  path: '/v1/dead-letters/replay',
  operationId: 'replayDeadLetters',
  tags: ['Dead letters'],
  summary: 'Re-enqueue dead-lettered deliveries with a fresh retry budget',
  description: 'Only deliveries still dead-lettered are replayed, so repeating a replay enqueues nothing twice.',
  middleware: [requireScope('notifications:write')] as const,
  request: { body: jsonBody(ReplayBody, { filter: { channel: 'sms', from: '2030-01-15T00:00:00Z' } }) },
  responses: {
    202: json(ReplayResult, 'What was re-enqueued (sent in the background)'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409),
  },
});

export function registerReplayDeadLetters(app: App) {
  app.openapi(replayDeadLettersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const body = c.req.valid('json');
    const selection =
      'ids' in body
        ? { ids: body.ids }
        : {
            filter: {
              channel: body.filter.channel,
              from: body.filter.from ? new Date(body.filter.from) : undefined,
              to: body.filter.to ? new Date(body.filter.to) : undefined,
            },
          };
    const rows = await requeueDeadLetters(c.var.db, tenantId, selection, MAX_REPLAY);
    // A failed enqueue leaves rows queued + enqueued_at set: the cron sweeper re-enqueues them.
    await enqueueDeliveries(
      c.env,
      rows.map((r) => ({ tenantId, deliveryId: r.id, priority: r.priority, channel: r.channel })),
    );
    return c.json({ replayed: rows.length, ids: rows.map((r) => r.id), more: rows.length === MAX_REPLAY }, 202);
  });
}
