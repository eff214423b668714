import { insertBroadcast } from '../../db/queries/broadcasts';
import { countMembers, getTopicByKey } from '../../db/queries/topics';
import { ApiError } from '../../errors';
import { newId } from '../../lib/ids';
import { sendFanoutMessage } from '../../queues/enqueue-fanout';
import type { AcceptContext } from '../notifications/accept';
import { smsLengthProblem } from '../notifications/plan-deliveries';
import type { SendNotificationRequest } from '../notifications/send-request';
import { templateReferenceProblem } from '../templates/template-reference';

export interface BroadcastOrigin {
  dedupeKey: string;
  scheduleId: string;
}

/** The topic a send or trigger names, or a 422 naming `body.to.topic`. */
export async function requireTopic(ctx: AcceptContext, key: string) {
  const topic = await getTopicByKey(ctx.db, ctx.tenantId, key);
  if (!topic) {
    throw new ApiError('validation_failed', `Unknown topic '${key}'`, [
      { path: 'body.to.topic', message: 'no such topic', code: 'unknown_topic' },
    ]);
  }
  return topic;
}

/**
 * Stores a broadcast of `request` to the topic's members and starts its fan-out; each chunk makes the members'
 * notifications, or their workflow runs when the request names a workflow. Null when `origin.dedupeKey` was used.
 */
export async function launchBroadcast(
  ctx: AcceptContext,
  topic: { id: string; key: string },
  request: Record<string, unknown>,
  origin?: BroadcastOrigin,
) {
  const total = await countMembers(ctx.db, ctx.tenantId, topic.id);
  const row = await insertBroadcast(ctx.db, {
    id: newId('brd'),
    tenantId: ctx.tenantId,
    topicId: topic.id,
    topicKey: topic.key,
    mode: ctx.mode,
    request,
    status: total === 0 ? 'completed' : 'fanning_out',
    total,
    scheduleId: origin?.scheduleId ?? null,
    dedupeKey: origin?.dedupeKey ?? null,
    completedAt: total === 0 ? new Date() : null,
  });
  if (row?.status === 'fanning_out') {
    // If this send fails the broadcast is not lost: the cron restarts fan-outs that made no progress for 5 minutes.
    await sendFanoutMessage(ctx.env, row.tenantId, row.id).catch((err) =>
      ctx.log.error('fan-out enqueue failed; the cron will restart it', { err, broadcastId: row.id }),
    );
  }
  return row ?? null;
}

/**
 * A send to a topic: checked (topic, template) and stored as a broadcast, then fanned out through the queue in
 * chunks. Returns null when `origin.dedupeKey` was already used (a schedule occurrence run twice).
 */
export async function startBroadcast(
  ctx: AcceptContext,
  req: SendNotificationRequest & { to: { topic: string } },
  origin?: BroadcastOrigin,
) {
  const topic = await requireTopic(ctx, req.to.topic);
  // Members are planned later, in chunks; SMS text no provider would take is refused now when sms is asked for.
  const asksSms = req.channels?.includes('sms') || req.fallback?.includes('sms');
  const smsLength = asksSms && req.content ? smsLengthProblem(req.content) : null;
  if (smsLength) throw new ApiError('validation_failed', 'The notification cannot be sent as requested', [smsLength]);
  if (req.template) {
    const problem = await templateReferenceProblem(ctx.db, ctx.tenantId, req.template, req.templateVersion);
    if (problem) throw new ApiError('validation_failed', problem.message, [problem]);
  }
  const { to: _to, ...request } = req;
  return launchBroadcast(ctx, topic, request, origin);
}
