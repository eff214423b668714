import { sendThroughChannel } from '../channels/registry';
import type { ProviderError } from '../channels/types';
import type { Db } from '../db/client';
import { isDatabaseUnavailable } from '../db/errors';
import {
  type AttemptRecord,
  claimDelivery,
  type DeliveryToSend,
  deferDelivery,
  recordFailure,
  recordSent,
} from '../db/queries/pipeline';
import { recipientPolicy } from '../domain/rate-limit/recipient-limits';
import type { AppBindings, AppConfig } from '../env';
import type { Logger } from '../observability/logger';
import { enqueueDeliveries } from './producer';
import { retryDelaySeconds } from './retry-policy';

/** What the consumer does with the queue message once a delivery has been handled. */
export type MessageAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number };

const TERMINAL = new Set(['sent', 'delivered', 'failed', 'bounced', 'suppressed', 'canceled', 'dead_lettered']);

export interface DeliverContext {
  db: Db;
  env: AppBindings;
  config: AppConfig;
  log: Logger;
}

/**
 * Handles one delivery from a queue message. Idempotent: a terminal or canceled delivery is acked untouched, and
 * the atomic claim guarantees one provider call per attempt however often the message is redelivered.
 */
export async function deliver(ctx: DeliverContext, d: DeliveryToSend): Promise<MessageAction> {
  if (TERMINAL.has(d.status)) return { kind: 'ack' };
  if (d.status === 'sending') return { kind: 'ack' }; // another consumer holds it; the cron recovers stale claims

  const limiter = ctx.env.RECIPIENT_LIMITER.getByName(`${d.tenantId}:${d.recipient}`);
  const allowed = await limiter.take(d.channel, recipientPolicy(d.channel, d.recipientLimits));
  if (!allowed.allowed) {
    // Deferred with a fresh message rather than message.retry(): waiting for a recipient's bucket must not use
    // up the retries that exist for provider failures.
    const delaySeconds = allowed.retryAfterSeconds;
    await deferDelivery(ctx.db, d.tenantId, d.id, new Date(Date.now() + delaySeconds * 1000));
    await enqueueDeliveries(ctx.env, [{ tenantId: d.tenantId, deliveryId: d.id, priority: d.priority, delaySeconds }]);
    ctx.log.info('delivery deferred by recipient limit', { deliveryId: d.id, delaySeconds });
    return { kind: 'ack' };
  }

  const claim = await claimDelivery(ctx.db, d.tenantId, d.id);
  if (!claim) return { kind: 'ack' }; // canceled, finished or claimed elsewhere since we loaded it

  const startedAt = new Date();
  let provider = 'unknown';
  let outcome: Awaited<ReturnType<typeof sendThroughChannel>>['result'];
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
    outcome = sent.result;
  } catch (err) {
    // A bug in a provider must not strand the delivery in `sending`: treat it as a retryable failure.
    ctx.log.error('provider threw', { deliveryId: d.id, err });
    outcome = { ok: false, error: { code: 'provider_exception', message: String(err), retryable: true } };
  }
  const attempt: AttemptRecord = {
    tenantId: d.tenantId,
    deliveryId: d.id,
    attemptNo: claim.attempts,
    provider,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
  };

  if (outcome.ok) {
    await persistOutcome(ctx, () => recordSent(ctx.db, attempt, outcome));
    return { kind: 'ack' };
  }
  const error: ProviderError = outcome.error;
  if (!error.retryable) {
    await persistOutcome(ctx, () => recordFailure(ctx.db, attempt, error, null));
    ctx.log.warn('delivery failed permanently', { deliveryId: d.id, code: error.code });
    return { kind: 'ack' };
  }
  const delaySeconds = retryDelaySeconds(error, claim.attempts, ctx.config.RETRY_BASE_DELAY_SECONDS);
  await persistOutcome(ctx, () => recordFailure(ctx.db, attempt, error, new Date(Date.now() + delaySeconds * 1000)));
  ctx.log.info('delivery will be retried', { deliveryId: d.id, code: error.code, delaySeconds });
  return { kind: 'retry', delaySeconds };
}

/**
 * The provider call already happened, so its outcome must be written even through a short database outage:
 * giving up here would leave the row `sending` and, after the stale-claim timeout, send it a second time.
 */
async function persistOutcome(ctx: DeliverContext, write: () => Promise<unknown>) {
  const delaysMs = [250, 500, 1000, 2000, 4000, 8000, 15000, 30000];
  for (let i = 0; ; i++) {
    try {
      await write();
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err) || i >= delaysMs.length) throw err;
      ctx.log.warn('database unavailable while recording an outcome; retrying', { attempt: i + 1 });
      await new Promise((r) => setTimeout(r, delaysMs[i]));
    }
  }
}
