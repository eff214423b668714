import type { AppContext } from '../../context';
import { isDatabaseUnavailable } from '../../db/errors';
import {
  type ClaimedWebhook,
  claimWebhookMessages,
  markWebhooksDeadLettered,
  recordWebhookOutcomes,
  type WebhookOutcome,
} from '../../db/queries/webhook-delivery';
import type { EmittedMessage } from '../../db/queries/webhook-events';
import { retryWhileDatabaseUnavailable } from '../../db/retry-unavailable';
import { openSecrets } from '../../domain/webhooks/endpoint-secrets';
import { postEvent } from '../../domain/webhooks/post-event';
import { nextRetryDelay } from '../../domain/webhooks/retry-schedule';
import { mapWithConcurrency } from '../../lib/concurrency';
import { cipherKeysOf } from '../../lib/credentials-cipher';
import { newId } from '../../lib/ids';
import { secondsUntil } from '../../lib/seconds-until';
import { urlPolicyFor } from '../../lib/ssrf-guard';
import { activeSecrets } from '../../lib/standard-webhooks';
import { withTrace } from '../../observability/trace-context';
import { enqueueEmitted, sendWebhookMessages } from '../../queues/enqueue-webhooks';
import { WebhookMessageV1 } from '../../queues/messages';
import { DB_UNAVAILABLE_RETRY_SECONDS } from '../retry-policy';

/** Workers' limit of simultaneous outgoing connections per invocation. */
const MAX_PARALLEL_POSTS = 6;

export const WEBHOOK_QUEUE = 'notify-webhooks';
export const WEBHOOK_DLQ = 'notify-webhooks-dlq';

type Ctx = AppContext;

/** The notify-webhooks queue and its DLQ. */
export async function handleWebhookBatch(batch: MessageBatch<unknown>, ctx: Ctx): Promise<void> {
  const valid: { message: Message<unknown>; item: EmittedMessage }[] = [];
  for (const message of batch.messages) {
    const parsed = WebhookMessageV1.safeParse(message.body);
    if (parsed.success) {
      const { tenantId, endpointId, eventId } = parsed.data;
      valid.push({ message, item: { tenantId, endpointId, eventId } });
    } else {
      ctx.log.error('unparsable webhook queue message acked', { messageId: message.id, body: message.body });
      message.ack();
    }
  }
  const items = valid.map((v) => v.item);
  try {
    if (batch.queue === WEBHOOK_DLQ) {
      await markWebhooksDeadLettered(ctx.db, items);
      ctx.log.warn('webhook messages dead-lettered', { count: items.length });
    } else {
      await deliverWebhooks(ctx, items);
    }
  } catch (err) {
    const delaySeconds = isDatabaseUnavailable(err) ? DB_UNAVAILABLE_RETRY_SECONDS : 30;
    ctx.log.error('webhook batch failed; messages retried', { err, delaySeconds });
    for (const { message } of valid) message.retry({ delaySeconds });
    return;
  }
  for (const { message } of valid) message.ack();
}

/**
 * Claims the due messages of a batch, POSTs each signed event (six at a time), then records every outcome in one
 * transaction and schedules the retries as delayed queue messages. A message that cannot be claimed (a duplicate,
 * already delivered, not yet due) is simply acked.
 */
async function deliverWebhooks(ctx: Ctx, items: EmittedMessage[]) {
  const claimed = await claimWebhookMessages(ctx.db, dedupe(items));
  if (claimed.length === 0) return;
  const outcomes = await mapWithConcurrency(claimed, MAX_PARALLEL_POSTS, async (c) => {
    const outcome = await withTrace(c.traceparent, () => attempt(ctx, c));
    ctx.log.info(outcome.status === 'succeeded' ? 'webhook delivered' : 'webhook attempt failed', {
      requestId: c.requestId,
      tenantId: c.tenantId,
      endpointId: c.endpointId,
      eventId: c.eventId,
      eventType: c.type,
      notificationId: (c.data as { notificationId?: string }).notificationId,
      deliveryId: (c.data as { deliveryId?: string }).deliveryId,
      attemptNo: c.attempts,
      statusCode: outcome.attempt?.statusCode ?? null,
      error: outcome.lastError,
    });
    return outcome;
  });
  const emitted = await retryWhileDatabaseUnavailable(ctx.log, 'recording webhook attempts', () =>
    recordWebhookOutcomes(ctx.db, outcomes),
  );
  const retries = outcomes.filter((o) => o.status === 'pending');
  const now = Date.now();
  await enqueueEmitted(ctx, emitted);
  if (retries.length) {
    try {
      await sendWebhookMessages(
        ctx.env,
        retries.map((r) => ({ ...r, delaySeconds: secondsUntil(r.nextAttemptAt, now) })),
      );
    } catch (err) {
      // The rows stay pending with enqueued_at set; the cron re-sends messages long past due.
      ctx.log.error('could not schedule webhook retries; the cron will', { err, count: retries.length });
    }
  }
}

async function attempt(ctx: Ctx, c: ClaimedWebhook): Promise<WebhookOutcome> {
  const base = {
    tenantId: c.tenantId,
    endpointId: c.endpointId,
    eventId: c.eventId,
    eventType: c.type,
    attemptNo: c.attempts,
  };
  if (!c.enabled) {
    return { ...base, attempt: null, status: 'failed', nextAttemptAt: null, lastError: 'endpoint_disabled' };
  }
  // The test call is one synchronous attempt; a claim it abandoned (worker died) is closed, not retried.
  if (c.type === 'webhook.test') {
    return { ...base, attempt: null, status: 'failed', nextAttemptAt: null, lastError: 'test_not_retried' };
  }
  const now = new Date();
  const secrets = await openSecrets(cipherKeysOf(ctx.config), c.tenantId, c.keyId, c.secretsCiphertext);
  const result = await postEvent({
    url: c.url,
    event: { id: c.eventId, type: c.type, createdAt: new Date(c.createdAt).toISOString(), data: c.data },
    secrets: activeSecrets(secrets, now),
    policy: urlPolicyFor(ctx.config),
    timeoutMs: ctx.config.WEBHOOK_TIMEOUT_SECONDS * 1000,
    now,
  });
  const attemptRow = {
    id: newId('wha'),
    outcome: result.succeeded ? ('succeeded' as const) : ('failed' as const),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    responseSnippet: result.responseSnippet,
    error: result.error,
    startedAt: now.toISOString(),
  };
  if (result.succeeded)
    return { ...base, attempt: attemptRow, status: 'succeeded', nextAttemptAt: null, lastError: null };
  const failingSince = c.failingSince ? Date.parse(c.failingSince) : now.getTime();
  const failingTooLong = now.getTime() - failingSince >= ctx.config.WEBHOOK_DISABLE_AFTER_HOURS * 3600_000;
  const disable = result.gone ? ('gone' as const) : failingTooLong ? ('failing' as const) : undefined;
  const delay = disable
    ? null
    : nextRetryDelay(c.attempts, ctx.config.WEBHOOK_RETRY_SCHEDULE_SECONDS, result.retryAfterSeconds);
  return {
    ...base,
    attempt: attemptRow,
    status: delay === null ? 'failed' : 'pending',
    nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay * 1000).toISOString(),
    lastError: result.error,
    ...(disable ? { disable } : {}),
  };
}

function dedupe(items: EmittedMessage[]) {
  return [...new Map(items.map((i) => [`${i.endpointId}/${i.eventId}`, i])).values()];
}
