import { insertBroadcast } from '../../db/queries/broadcasts';
import { countMembers, getTopicByKey } from '../../db/queries/topics';
import { ApiError } from '../../errors';
import { newId } from '../../lib/ids';
import { sendFanoutMessage } from '../../queues/enqueue-fanout';
import type { AcceptContext } from '../notifications/accept';
import type { PublishedWorkflow, TriggerInput } from './trigger';

/** What a broadcast of a workflow trigger stores as its request: each member's run is made of it. */
export interface WorkflowBroadcastRequest {
  workflow: { id: string; key: string; version: number };
  input: TriggerInput;
}

export const isWorkflowBroadcast = (request: Record<string, unknown>): boolean =>
  typeof request.workflow === 'object' && request.workflow !== null;

/**
 * A trigger to a topic: stored as a broadcast and fanned out by the existing chain, one chunk of members per queue
 * message, so a topic is never loaded into memory; each chunk starts its members' runs with dedupe keys
 * (broadcast + subscriber), so a repeated chunk starts nothing twice.
 */
export async function startWorkflowBroadcast(
  ctx: AcceptContext,
  wf: PublishedWorkflow,
  topicKey: string,
  input: TriggerInput,
) {
  const topic = await getTopicByKey(ctx.db, ctx.tenantId, topicKey);
  if (!topic) {
    throw new ApiError('validation_failed', `Unknown topic '${topicKey}'`, [
      { path: 'body.to.topic', message: 'no such topic', code: 'unknown_topic' },
    ]);
  }
  const total = await countMembers(ctx.db, ctx.tenantId, topic.id);
  const request: WorkflowBroadcastRequest = { workflow: { id: wf.id, key: wf.key, version: wf.version }, input };
  const row = await insertBroadcast(ctx.db, {
    id: newId('brd'),
    tenantId: ctx.tenantId,
    topicId: topic.id,
    topicKey: topic.key,
    mode: ctx.mode,
    request: request as unknown as Record<string, unknown>,
    status: total === 0 ? 'completed' : 'fanning_out',
    total,
    completedAt: total === 0 ? new Date() : null,
  });
  if (row?.status === 'fanning_out') {
    // Not lost if this send fails: the cron restarts fan-outs that made no progress for 5 minutes.
    await sendFanoutMessage(ctx.env, row.tenantId, row.id).catch((err) =>
      ctx.log.error('fan-out enqueue failed; the cron will restart it', { err, broadcastId: row.id }),
    );
  }
  return row!;
}
