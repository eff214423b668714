import type { AppContext } from '../../context';
import { advanceCursor, endBroadcast, getBroadcast } from '../../db/queries/broadcasts';
import { getBroadcastRate } from '../../db/queries/tenants';
import { membersAfter } from '../../db/queries/topics';
import { getWorkflowVersion } from '../../db/queries/workflows';
import { urlPolicyFor } from '../../lib/ssrf-guard';
import { sendFanoutMessage } from '../../queues/enqueue-fanout';
import { acceptNotifications } from '../notifications/accept';
import type { SendNotificationRequest } from '../notifications/send-request';
import { startRuns } from '../workflows/trigger';
import { isWorkflowBroadcast, type WorkflowBroadcastRequest } from './workflow-broadcast';

export type FanoutContext = AppContext;

/**
 * One link of a broadcast's fan-out chain: take a chunk's worth of the tenant's send rate (a token bucket in a
 * Durable Object, shared by all of the tenant's broadcasts), create one notification per subscriber after the
 * cursor (dedupe key broadcast + subscriber, so a repeated chunk creates nothing twice), move the cursor, and
 * queue the next link. Over the rate, the link is re-queued for when the bucket has refilled.
 */
export async function fanOutChunk(ctx: FanoutContext, tenantId: string, broadcastId: string) {
  const b = await getBroadcast(ctx.db, tenantId, broadcastId);
  if (b?.status !== 'fanning_out') return;
  const rate = (await getBroadcastRate(ctx.db, tenantId)) ?? ctx.config.BROADCAST_RATE_PER_SECOND;
  const chunk = Math.max(1, Math.min(ctx.config.BROADCAST_CHUNK_SIZE, Math.floor(rate)));
  const grant = await ctx.env.API_RATE_LIMITER.getByName(`fanout:${tenantId}`).take(
    { capacity: Math.max(chunk, rate), refillPerSecond: rate },
    chunk,
  );
  if (!grant.allowed) {
    await sendFanoutMessage(ctx.env, tenantId, broadcastId, grant.retryAfterSeconds);
    return;
  }
  const members = await membersAfter(ctx.db, tenantId, b.topicId, b.cursor, chunk);
  const accept = {
    db: ctx.db,
    env: ctx.env,
    log: ctx.log,
    tenantId,
    mode: b.mode,
    urlPolicy: urlPolicyFor(ctx.config),
  };
  if (isWorkflowBroadcast(b.request)) {
    // A workflow trigger to a topic: the chunk starts runs instead of notifications.
    const { workflow, input } = b.request as unknown as WorkflowBroadcastRequest;
    const definition = (await getWorkflowVersion(ctx.db, tenantId, workflow.id, workflow.version))?.definition;
    if (!definition) {
      await endBroadcast(ctx.db, tenantId, b.id, 'failed', {
        code: 'workflow_deleted',
        message: 'the workflow was deleted',
      });
      return;
    }
    await startRuns(
      accept,
      { ...workflow, definition },
      input,
      members.map((m) => m.subscriber),
      {
        broadcastId: b.id,
        dedupeKey: (s) => `${b.id}:${s.id}`,
      },
    );
    const done = members.length < chunk;
    const advanced = await advanceCursor(ctx.db, b, members.at(-1)?.subscriber.id ?? null, done);
    if (advanced && !done) await sendFanoutMessage(ctx.env, tenantId, b.id);
    return;
  }
  const base = b.request as unknown as Omit<SendNotificationRequest, 'to'>;
  const results = await acceptNotifications(
    accept,
    members.map((m) => ({ ...base, to: m.subscriber.externalId })),
    members.map((m) => ({
      dedupeKey: `${b.id}:${m.subscriber.id}`,
      broadcastId: b.id,
      ...(b.scheduleId ? { scheduleId: b.scheduleId } : {}),
    })),
    members.map((m) => m.subscriber),
  );
  const failures = results.flatMap((r) => (r.ok ? [] : [r.error]));
  if (members.length > 0 && failures.length === members.length) {
    // Nothing in the chunk could be planned (e.g. the template was deleted): stop rather than loop.
    const first = failures[0]!;
    await endBroadcast(ctx.db, tenantId, b.id, 'failed', { code: first.code, message: first.message });
    ctx.log.warn('broadcast failed', { broadcastId: b.id, code: first.code });
    return;
  }
  if (failures.length) ctx.log.warn('broadcast members skipped', { broadcastId: b.id, count: failures.length });
  const done = members.length < chunk;
  const advanced = await advanceCursor(ctx.db, b, members.at(-1)?.subscriber.id ?? null, done);
  if (advanced && !done) await sendFanoutMessage(ctx.env, tenantId, b.id);
}
