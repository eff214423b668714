import { sendThroughChannel } from '../channels/registry';
import type { SendResult } from '../channels/types';
import type { Db } from '../db/client';
import { isDatabaseUnavailable } from '../db/errors';
import {
  claimDeliveries,
  type DeliveryToSend,
  deferDeliveries,
  type Outcome,
  recordOutcomes,
} from '../db/queries/pipeline';
import { recipientPolicy } from '../domain/rate-limit/recipient-limits';
import type { AppBindings, AppConfig } from '../env';
import type { Logger } from '../observability/logger';
import { enqueueDeliveries } from './producer';
import { recipientShard } from './recipient-shard';
import { retryDelaySeconds } from './retry-policy';

/** What the consumer does with each queue message once its delivery has been handled. */
export type MessageAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number };

const TERMINAL = new Set(['sent', 'delivered', 'failed', 'bounced', 'suppressed', 'canceled', 'dead_lettered']);

export interface DeliverContext {
  db: Db;
  env: AppBindings;
  config: AppConfig;
  log: Logger;
}

/**
 * Handles the deliveries of one queue batch with a fixed number of database round trips (claim, then one write
 * of every outcome), whatever the batch size. Idempotent: terminal or canceled deliveries are acked untouched,
 * and the atomic claim guarantees one provider call per attempt however often a message is redelivered.
 * Returns the action for each delivery id.
 */
export async function deliverBatch(ctx: DeliverContext, rows: DeliveryToSend[]): Promise<Map<string, MessageAction>> {
  const actions = new Map<string, MessageAction>();
  const t0 = Date.now();
  // `sending` = another consumer holds it; the cron recovers claims abandoned by a crashed consumer.
  const pending = rows.filter((d) => {
    if (TERMINAL.has(d.status) || d.status === 'sending') actions.set(d.id, { kind: 'ack' });
    return !actions.has(d.id);
  });

  const allowed = await applyRecipientLimits(ctx, pending, actions);
  const t1 = Date.now();
  const tenantIds = [...new Set(allowed.map((d) => d.tenantId))];
  const claims = await claimDeliveries(
    ctx.db,
    tenantIds,
    allowed.map((d) => d.id),
  );
  const attemptOf = new Map(claims.map((c) => [c.id, c.attempts]));
  for (const d of allowed) if (!attemptOf.has(d.id)) actions.set(d.id, { kind: 'ack' }); // canceled or taken meanwhile

  const claimed = allowed.filter((d) => attemptOf.has(d.id));
  const t2 = Date.now();
  const outcomes = await Promise.all(claimed.map((d) => sendOne(ctx, d, attemptOf.get(d.id)!)));
  const t3 = Date.now();
  if (outcomes.length) await persistOutcomes(ctx, outcomes);
  ctx.log.debug('delivery batch', {
    size: rows.length,
    sent: outcomes.length,
    limitMs: t1 - t0,
    claimMs: t2 - t1,
    sendMs: t3 - t2,
    recordMs: Date.now() - t3,
  });
  for (const o of outcomes) {
    if (o.status === 'queued') {
      const delaySeconds = Math.max(0, Math.ceil((Date.parse(o.nextAttemptAt!) - Date.now()) / 1000));
      actions.set(o.deliveryId, { kind: 'retry', delaySeconds });
      ctx.log.info('delivery will be retried', { deliveryId: o.deliveryId, code: o.error?.code, delaySeconds });
    } else {
      actions.set(o.deliveryId, { kind: 'ack' });
      if (o.status === 'failed') ctx.log.warn('delivery failed', { deliveryId: o.deliveryId, code: o.error?.code });
    }
  }
  return actions;
}

/**
 * Takes a token per delivery from its recipient's bucket: one Durable Object call per limiter shard in the batch.
 * Over the limit → deferred with a fresh delayed message, not message.retry(): waiting for a recipient's bucket
 * must not use up the retries that exist for provider failures, and nothing is dropped.
 */
async function applyRecipientLimits(ctx: DeliverContext, rows: DeliveryToSend[], actions: Map<string, MessageAction>) {
  const shards = new Map<string, Map<string, DeliveryToSend[]>>();
  for (const d of rows) {
    const shard = recipientShard(d.tenantId, d.recipient);
    const groups = shards.get(shard) ?? new Map<string, DeliveryToSend[]>();
    const key = `${d.recipient}\u0000${d.channel}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
    shards.set(shard, groups);
  }
  const allowed: DeliveryToSend[] = [];
  const deferred: { d: DeliveryToSend; delaySeconds: number }[] = [];
  await Promise.all(
    [...shards].map(async ([shard, groups]) => {
      const list = [...groups.values()];
      const grants = await ctx.env.RECIPIENT_LIMITER.getByName(shard).takeBatch(
        list.map((group) => ({
          recipient: group[0]!.recipient,
          channel: group[0]!.channel,
          policy: recipientPolicy(group[0]!.channel, group[0]!.recipientLimits),
          count: group.length,
        })),
      );
      list.forEach((group, g) => {
        const grant = grants[g]!;
        group.forEach((d, i) => {
          if (i < grant.granted) allowed.push(d);
          else {
            // Spread what is over the limit over the following periods instead of one thundering retry.
            const wave = 1 + Math.floor((i - grant.granted) / Math.max(1, grant.limit));
            deferred.push({ d, delaySeconds: Math.max(1, grant.retryAfterSeconds) * wave });
          }
        });
      });
    }),
  );
  if (deferred.length) {
    const now = Date.now();
    await deferDeliveries(
      ctx.db,
      deferred.map(({ d, delaySeconds }) => ({
        tenantId: d.tenantId,
        id: d.id,
        at: new Date(now + delaySeconds * 1000).toISOString(),
      })),
    );
    await enqueueDeliveries(
      ctx.env,
      deferred.map(({ d, delaySeconds }) => ({
        tenantId: d.tenantId,
        deliveryId: d.id,
        priority: d.priority,
        delaySeconds,
      })),
    );
    for (const { d, delaySeconds } of deferred) {
      actions.set(d.id, { kind: 'ack' });
      ctx.log.info('delivery deferred by recipient limit', { deliveryId: d.id, delaySeconds });
    }
  }
  return allowed;
}

async function sendOne(ctx: DeliverContext, d: DeliveryToSend, attemptNo: number): Promise<Outcome> {
  const startedAt = new Date();
  let provider = 'unknown';
  let result: SendResult;
  try {
    const sent = await sendThroughChannel(
      d.channel,
      {
        deliveryId: d.id,
        notificationId: d.notificationId,
        tenantId: d.tenantId,
        channel: d.channel,
        address: d.address,
        recipient: d.recipient,
        content: d.content,
        data: d.data,
        metadata: d.metadata,
        category: d.category,
      },
      ctx.config,
    );
    provider = sent.provider;
    result = sent.result;
  } catch (err) {
    // A bug in a provider must not strand the delivery in `sending`: treat it as a retryable failure.
    ctx.log.error('provider threw', { deliveryId: d.id, err });
    result = { ok: false, error: { code: 'provider_exception', message: String(err), retryable: true } };
  }
  const base = {
    tenantId: d.tenantId,
    deliveryId: d.id,
    attemptNo,
    provider,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  };
  if (result.ok) {
    return {
      ...base,
      status: 'sent',
      responseCode: result.responseCode ?? null,
      providerMessageId: result.providerMessageId ?? null,
      error: null,
      nextAttemptAt: null,
    };
  }
  const error = result.error;
  const retryAt = error.retryable
    ? new Date(
        Date.now() + retryDelaySeconds(error, attemptNo, ctx.config.RETRY_BASE_DELAY_SECONDS) * 1000,
      ).toISOString()
    : null;
  return {
    ...base,
    status: retryAt ? 'queued' : 'failed',
    responseCode: error.responseCode ?? null,
    providerMessageId: null,
    error,
    nextAttemptAt: retryAt,
  };
}

/**
 * The provider calls already happened, so their outcomes must be written even through a short database outage:
 * giving up here would leave rows `sending` and, after the stale-claim timeout, send them a second time.
 */
async function persistOutcomes(ctx: DeliverContext, outcomes: Outcome[]) {
  const delaysMs = [250, 500, 1000, 2000, 4000, 8000, 15000, 30000];
  for (let i = 0; ; i++) {
    try {
      await recordOutcomes(ctx.db, outcomes);
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || i >= delaysMs.length) throw err;
      ctx.log.warn('database unavailable while recording outcomes; retrying', { attempt: i + 1 });
      await new Promise((r) => setTimeout(r, delaysMs[i]));
    }
  }
}
