import { inboxContent } from '../channels/in-app/inbox-content';
import { renderForSandbox } from '../channels/sandbox-render';
import type { OutboundMessage, ProviderError } from '../channels/types';
import type { AppContext } from '../context';
import { isDatabaseUnavailable } from '../db/errors';
import { loadLayouts } from '../db/queries/layouts';
import {
  type AttemptRecord,
  claimDeliveries,
  type DeliveryToSend,
  deferDeliveries,
  type Outcome,
  recordOutcomes,
  STALE_CLAIM_SECONDS,
  suppressQueued,
} from '../db/queries/pipeline';
import { loadPreferenceContext } from '../db/queries/preferences';
import { findSuppressed } from '../db/queries/suppressions';
import { loadVersionContents } from '../db/queries/templates';
import { retryWhileDatabaseUnavailable } from '../db/retry-unavailable';
import { trackEmailHtml } from '../domain/analytics/track-email';
import type { BreakerPolicy } from '../domain/circuit-breaker';
import { appendedChanges, publishInboxChanges } from '../domain/inbox/publish';
import { decide } from '../domain/preferences/decide';
import { quietHoursDelaySeconds } from '../domain/preferences/quiet-hours';
import { recipientPolicy } from '../domain/rate-limit/recipient-limits';
import { signUnsubscribeToken, tenantSecret } from '../domain/subscribers/subscriber-token';
import { layoutSourceFor } from '../domain/templates/layout-source';
import { RenderError } from '../domain/templates/liquid-engine';
import { renderTemplate } from '../domain/templates/render-template';
import { urlPolicyFor } from '../domain/webhooks/ssrf-guard';
import { mapWithConcurrency } from '../lib/concurrency';
import { newId } from '../lib/ids';
import { MAX_QUEUE_DELAY_SECONDS } from '../lib/queue-limits';
import { withTrace } from '../observability/trace-context';
import { enqueueDeliveries } from '../queues/enqueue-deliveries';
import { enqueueEmitted } from '../queues/enqueue-webhooks';
import { priceOutcomes } from './price-outcomes';
import { type ChainStep, createChainResolver } from './provider-chain';
import { recipientShard } from './recipient-shard';
import { breakerWaitHorizonSeconds, retryDelaySeconds } from './retry-policy';

/** Correlation fields of every log line about one delivery: one request id follows it API → queue → provider. */
const deliveryFields = (d: DeliveryToSend) => ({
  requestId: d.requestId,
  tenantId: d.tenantId,
  notificationId: d.notificationId,
  deliveryId: d.id,
  channel: d.channel,
});

/** What the consumer does with each queue message once its delivery has been handled. */
export type MessageAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number };

const TERMINAL = new Set(['sent', 'delivered', 'failed', 'bounced', 'suppressed', 'canceled', 'dead_lettered']);

export type DeliverContext = AppContext;

/**
 * Handles the deliveries of one queue batch with a fixed number of database round trips (claim, then one write
 * of every outcome), whatever the batch size. Idempotent: terminal or canceled deliveries are acked untouched,
 * and the atomic claim guarantees one provider call per attempt however often a message is redelivered.
 * Returns the action for each delivery id.
 */
export async function deliverBatch(ctx: DeliverContext, rows: DeliveryToSend[]): Promise<Map<string, MessageAction>> {
  const actions = new Map<string, MessageAction>();
  const t0 = Date.now();
  // `sending` = another consumer holds it, unless the claim is stale: its consumer died before writing the outcome,
  // and the cron has sent this message so that we take the claim over (claimDeliveries re-checks staleness).
  const pending = rows.filter((d) => {
    if (TERMINAL.has(d.status) || (d.status === 'sending' && !claimIsStale(d, t0))) actions.set(d.id, { kind: 'ack' });
    else {
      const early = notYetDue(d, t0);
      if (early) actions.set(d.id, early);
    }
    return !actions.has(d.id);
  });
  // Scheduled sends arrive up to a few seconds early (see producer.ts): send each group at its due time.
  for (const group of byDueTime(pending)) {
    const waitMs = group.dueAt - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    for (const [id, action] of await deliverDue(ctx, group.rows)) actions.set(id, action);
  }
  return actions;
}

const claimIsStale = (d: DeliveryToSend, now: number) =>
  d.claimedAt !== null && now - d.claimedAt.getTime() > STALE_CLAIM_SECONDS * 1000;

/** Rows grouped by due time in 250 ms steps, earliest first (rows already due form the first group). */
function byDueTime(rows: DeliveryToSend[]) {
  const now = Date.now();
  const groups = new Map<number, DeliveryToSend[]>();
  for (const d of rows) {
    const due = Math.max(now, d.nextAttemptAt?.getTime() ?? now);
    const slot = Math.ceil((due - now) / 250);
    groups.set(slot, [...(groups.get(slot) ?? []), d]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, group]) => ({ dueAt: now + slot * 250, rows: group }));
}

async function deliverDue(ctx: DeliverContext, pending: DeliveryToSend[]): Promise<Map<string, MessageAction>> {
  const actions = new Map<string, MessageAction>();
  const t0 = Date.now();
  const rows = pending;
  const preferences = await loadPreferenceContext(
    ctx.db,
    [...new Set(rows.map((d) => d.tenantId))],
    [...new Set(rows.flatMap((d) => (d.subscriberId ? [d.subscriberId] : [])))],
  );
  const awake = await applyQuietHours(ctx, pending, preferences, actions);
  const withinCaps = await applyFrequencyCaps(ctx, awake, preferences, actions);
  const allowed = await applyRecipientLimits(ctx, withinCaps, actions);
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
  const outcomes = priceOutcomes(await sendClaimed(ctx, claimed, attemptOf, preferences), claimed);
  const t3 = Date.now();
  if (outcomes.length) await persistOutcomes(ctx, outcomes);
  const fallbacks = outcomes.flatMap((o) => (o.fallback ? [{ ...o.fallback, tenantId: o.tenantId }] : []));
  if (fallbacks.length) {
    // Committed above; if this enqueue fails the cron finds them (queued, enqueued long ago, due).
    await enqueueDeliveries(
      ctx.env,
      fallbacks.map((f) => ({
        tenantId: f.tenantId,
        deliveryId: f.id,
        priority: f.priority as DeliveryToSend['priority'],
        channel: f.channel as DeliveryToSend['channel'],
      })),
    ).catch((err) => ctx.log.error('fallback enqueue failed; the cron will pick it up', { err }));
  }
  ctx.log.debug('delivery batch', {
    size: rows.length,
    sent: outcomes.length,
    limitMs: t1 - t0,
    claimMs: t2 - t1,
    sendMs: t3 - t2,
    recordMs: Date.now() - t3,
  });
  const rowOf = new Map(claimed.map((d) => [d.id, d]));
  const requeued = await requeueBreakerWaits(ctx, outcomes, rowOf);
  for (const o of outcomes) {
    const fields = { ...deliveryFields(rowOf.get(o.deliveryId)!), provider: o.provider };
    if (requeued.has(o.deliveryId)) {
      actions.set(o.deliveryId, { kind: 'ack' });
      ctx.log.info('delivery waits for a circuit breaker', { ...fields, delaySeconds: requeued.get(o.deliveryId) });
    } else if (o.status === 'queued') {
      const delaySeconds = Math.max(0, Math.ceil((Date.parse(o.nextAttemptAt!) - Date.now()) / 1000));
      actions.set(o.deliveryId, { kind: 'retry', delaySeconds });
      ctx.log.info('delivery will be retried', { ...fields, code: o.error?.code, delaySeconds });
    } else {
      actions.set(o.deliveryId, { kind: 'ack' });
      if (o.status === 'sent') ctx.log.info('delivery sent', { ...fields, attemptNo: o.attemptNo });
      else ctx.log.warn(`delivery ${o.status}`, { ...fields, code: o.error?.code });
    }
  }
  return actions;
}

/**
 * Deliveries whose every provider was skipped by an open breaker go back with a fresh delayed message (their
 * attempt was given back when the outcome was written), so the wait does not use up the message's retry budget.
 * Returns the ones requeued and their delays; if the send fails they fall back to an ordinary retry of the message.
 */
async function requeueBreakerWaits(
  ctx: DeliverContext,
  outcomes: Outcome[],
  rowOf: Map<string, DeliveryToSend>,
): Promise<Map<string, number>> {
  const waits = outcomes.filter((o) => o.releaseAttempt && o.status === 'queued');
  if (waits.length === 0) return new Map();
  const delays = new Map(
    waits.map((o) => [o.deliveryId, Math.max(1, Math.ceil((Date.parse(o.nextAttemptAt!) - Date.now()) / 1000))]),
  );
  try {
    await enqueueDeliveries(
      ctx.env,
      waits.map((o) => {
        const d = rowOf.get(o.deliveryId)!;
        return {
          tenantId: d.tenantId,
          deliveryId: d.id,
          priority: d.priority,
          channel: d.channel,
          delaySeconds: delays.get(d.id)!,
        };
      }),
    );
    return delays;
  } catch (err) {
    ctx.log.warn('could not requeue deliveries waiting for a circuit breaker; retrying their messages', { err });
    return new Map();
  }
}

/** Queues may hand a delayed message over a little early; anything more is a message from before a reschedule. */
const EARLY_TOLERANCE_MS = 3000;

/**
 * A message for a delivery that is not due yet (rescheduled later): wait for the new time when it is near and the
 * delivery still counts as enqueued; otherwise ack it, since the reschedule or the cron sends the message for the
 * new time.
 */
function notYetDue(d: DeliveryToSend, now: number): MessageAction | null {
  if (!d.nextAttemptAt) return null;
  const waitMs = d.nextAttemptAt.getTime() - now;
  if (waitMs <= EARLY_TOLERANCE_MS) return null;
  const delaySeconds = Math.ceil(waitMs / 1000);
  return d.enqueuedAt && delaySeconds <= MAX_QUEUE_DELAY_SECONDS ? { kind: 'retry', delaySeconds } : { kind: 'ack' };
}

type PreferenceContext = Awaited<ReturnType<typeof loadPreferenceContext>>;

/**
 * Puts deliveries back to wait: `queued` with the due time (and why, when given) recorded, a new delayed message
 * sent, the current message acked. Used by quiet hours, frequency caps and recipient limits.
 */
async function deferAndRequeue(
  ctx: DeliverContext,
  items: { d: DeliveryToSend; delaySeconds: number }[],
  code: string | null,
  why: string,
  actions: Map<string, MessageAction>,
) {
  if (items.length === 0) return;
  const now = Date.now();
  await deferDeliveries(
    ctx.db,
    items.map(({ d, delaySeconds }) => {
      const at = new Date(now + delaySeconds * 1000).toISOString();
      return {
        tenantId: d.tenantId,
        id: d.id,
        at,
        ...(code ? { reason: { code, message: `deferred until ${at} (${why})` } } : {}),
      };
    }),
  );
  await enqueueDeliveries(
    ctx.env,
    items.map(({ d, delaySeconds }) => ({
      tenantId: d.tenantId,
      deliveryId: d.id,
      priority: d.priority,
      channel: d.channel,
      delaySeconds,
    })),
  );
  for (const { d, delaySeconds } of items) {
    actions.set(d.id, { kind: 'ack' });
    ctx.log.info(`delivery deferred: ${why}`, { ...deliveryFields(d), delaySeconds });
  }
}

/** A longer quiet window than the queue's delay cap is re-checked when the message comes back. */
const MAX_DEFER_SECONDS = MAX_QUEUE_DELAY_SECONDS - 60;

/**
 * Non-critical deliveries inside the subscriber's quiet hours wait until the window ends (deferred with a fresh
 * delayed message, reason recorded), never dropped.
 */
async function applyQuietHours(
  ctx: DeliverContext,
  rows: DeliveryToSend[],
  preferences: PreferenceContext,
  actions: Map<string, MessageAction>,
) {
  const deferred: { d: DeliveryToSend; delaySeconds: number }[] = [];
  const awake = rows.filter((d) => {
    if (preferences.isCritical(d.tenantId, d.category)) return true;
    const quiet = preferences.preferencesOf(d.tenantId, d.subscriberId)?.quietHours;
    const delaySeconds = quietHoursDelaySeconds(quiet, d.channel, d.timezone);
    if (delaySeconds <= 0) return true;
    deferred.push({ d, delaySeconds: Math.min(delaySeconds, MAX_DEFER_SECONDS) });
    return false;
  });
  await deferAndRequeue(ctx, deferred, 'deferred_quiet_hours', 'quiet hours', actions);
  return awake;
}

/**
 * Fatigue budgets: a category's frequency cap (or the subscriber's own) per subscriber and channel, counted in the
 * subscriber's RecipientLimiter shard. Over the cap a delivery ends `suppressed` (`frequency_cap`) or, if the
 * category says so, waits for budget like a rate-limited one.
 */
async function applyFrequencyCaps(
  ctx: DeliverContext,
  rows: DeliveryToSend[],
  preferences: PreferenceContext,
  actions: Map<string, MessageAction>,
) {
  const capped = rows.flatMap((d) => {
    const cap = preferences.capOf(d.tenantId, d.subscriberId, d.category);
    return cap ? [{ d, cap }] : [];
  });
  if (capped.length === 0) return rows;
  const byShard = new Map<string, typeof capped>();
  for (const item of capped) {
    const shard = recipientShard(item.d.tenantId, item.d.recipient);
    byShard.set(shard, [...(byShard.get(shard) ?? []), item]);
  }
  const over: { d: DeliveryToSend; cap: (typeof capped)[number]['cap']; retryAfterSeconds: number }[] = [];
  await Promise.all(
    [...byShard].map(async ([shard, items]) => {
      const grants = await ctx.env.RECIPIENT_LIMITER.getByName(shard).takeBatch(
        items.map(({ d, cap }) => ({
          recipient: d.recipient,
          channel: `${d.channel}|cap:${d.category}`,
          policy: { capacity: cap.limit, refillPerSecond: cap.limit / cap.periodSeconds },
          count: 1,
        })),
      );
      items.forEach((item, i) => {
        if (grants[i]!.granted === 0) over.push({ ...item, retryAfterSeconds: grants[i]!.retryAfterSeconds });
      });
    }),
  );
  if (over.length === 0) return rows;
  const suppress = over.filter((o) => o.cap.onExceed !== 'defer');
  const defer = over.filter((o) => o.cap.onExceed === 'defer');
  if (suppress.length) {
    const emitted = await suppressQueued(
      ctx.db,
      suppress.map(({ d, cap }) => ({
        tenantId: d.tenantId,
        id: d.id,
        reason: {
          code: 'frequency_cap',
          message: `over the ${d.category} cap of ${cap.limit} per ${cap.periodSeconds} s on ${d.channel}`,
        },
      })),
    );
    await enqueueEmitted(ctx, emitted);
  }
  await deferAndRequeue(
    ctx,
    defer.map(({ d, retryAfterSeconds }) => ({ d, delaySeconds: Math.min(retryAfterSeconds, MAX_DEFER_SECONDS) })),
    'deferred_frequency_cap',
    'frequency cap',
    actions,
  );
  const stopped = new Set(over.map((o) => o.d.id));
  for (const id of stopped) actions.set(id, { kind: 'ack' });
  return rows.filter((d) => !stopped.has(d.id));
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
  await deferAndRequeue(ctx, deferred, null, 'recipient limit', actions);
  return allowed;
}

const toOutbound = (d: DeliveryToSend & { headers?: Record<string, string> }): OutboundMessage => ({
  ...(d.headers ? { headers: d.headers } : {}),
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
});

const OPEN_GATE = { allowed: true, retryInMs: 0 };

const PREFERENCE_MESSAGES = {
  opted_out: 'the subscriber opted out of notifications',
  channel_opted_out: 'the subscriber turned this channel off',
  category_opted_out: 'the subscriber turned this category off',
} as const;

/**
 * Sends each claimed delivery: suppressed addresses end `suppressed` without a call; test-mode notifications go
 * to the sandbox; everything else walks its provider chain (failover), skipping providers whose circuit breaker
 * is open. Breakers are read once per batch and told the batch's results once.
 */
async function sendClaimed(
  ctx: DeliverContext,
  claimed: DeliveryToSend[],
  attemptOf: Map<string, number>,
  preferences: PreferenceContext,
): Promise<Outcome[]> {
  if (claimed.length === 0) return [];
  // Independent reads, one round trip together: suppressions, provider chains, template renderings.
  const [suppressed, resolve, renderings] = await Promise.all([
    findSuppressed(
      ctx.db,
      claimed.map((d) => ({ tenantId: d.tenantId, channel: d.channel, address: d.address })),
    ),
    createChainResolver(ctx.db, ctx.config, [
      ...new Set(claimed.filter((d) => d.mode === 'live').map((d) => d.tenantId)),
    ]),
    renderTemplates(ctx, claimed),
  ]);
  const isSuppressed = new Set(suppressed.map((s) => `${s.tenant_id}|${s.channel}|${s.address}`));
  const live = claimed.filter(
    (d) => d.mode === 'live' && d.channel !== 'in_app' && !isSuppressed.has(`${d.tenantId}|${d.channel}|${d.address}`),
  );
  const chains = new Map(live.map((d) => [d.id, resolve(d.tenantId, d.channel, d.address)]));

  const policy: BreakerPolicy = {
    failureThreshold: ctx.config.CIRCUIT_FAILURE_THRESHOLD,
    coolDownMs: ctx.config.CIRCUIT_COOLDOWN_SECONDS * 1000,
  };
  const breakerKeys = new Set<string>();
  for (const chain of chains.values()) {
    if (Array.isArray(chain)) for (const step of chain) if (step.breakerKey) breakerKeys.add(step.breakerKey);
  }
  const breakers = new Map(
    await Promise.all(
      [...breakerKeys].map(async (key) => [key, await ctx.env.PROVIDER_CIRCUIT.getByName(key).check(policy)] as const),
    ),
  );
  const tally = new Map<string, { successes: number; failures: number }>();
  const count = (key: string | null, ok: boolean) => {
    if (!key) return;
    const t = tally.get(key) ?? { successes: 0, failures: 0 };
    if (ok) t.successes++;
    else t.failures++;
    tally.set(key, t);
  };

  // RFC 8058 one-click unsubscribe on every non-critical email to a subscriber; the signing secret is fetched once
  // per tenant per batch.
  const secrets = new Map<string, Promise<Uint8Array | null>>();
  const secretOf = (tenantId: string) => {
    let secret = secrets.get(tenantId);
    if (!secret) {
      secret = tenantSecret(ctx.db, ctx.config, tenantId, true);
      secrets.set(tenantId, secret);
    }
    return secret;
  };
  const unsubscribeHeaders = async (d: DeliveryToSend) => {
    if (d.channel !== 'email' || !d.subscriberId || !ctx.config.PUBLIC_BASE_URL) return undefined;
    if (preferences.isCritical(d.tenantId, d.category)) return undefined;
    const key = await secretOf(d.tenantId);
    if (!key) return undefined;
    const token = await signUnsubscribeToken(key, {
      tenantId: d.tenantId,
      subscriberId: d.subscriberId,
      category: d.category,
    });
    return {
      'List-Unsubscribe': `<${ctx.config.PUBLIC_BASE_URL}/u/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
  };
  // Open pixel and click redirects in HTML email, unless the tenant turned them off (docs/analytics.md).
  const withTracking = async <T extends DeliveryToSend>(d: T): Promise<{ d: T; links: string[] }> => {
    const opens = d.usageSettings?.trackOpens ?? true;
    const clicks = d.usageSettings?.trackClicks ?? true;
    if (d.channel !== 'email' || !d.content.html || !ctx.config.PUBLIC_BASE_URL || !(opens || clicks)) {
      return { d, links: [] };
    }
    const secret = await secretOf(d.tenantId);
    if (!secret) return { d, links: [] };
    const tracked = await trackEmailHtml(d.content.html, {
      baseUrl: ctx.config.PUBLIC_BASE_URL,
      deliveryId: d.id,
      secret,
      opens,
      clicks,
    });
    return { d: { ...d, content: { ...d.content, html: tracked.html } }, links: tracked.links };
  };
  const outcomes = await Promise.all(
    claimed.map(async (original): Promise<Outcome> => {
      const attemptNo = attemptOf.get(original.id)!;
      const base = { tenantId: original.tenantId, deliveryId: original.id, attemptNo };
      const decision = decide(
        preferences.preferencesOf(original.tenantId, original.subscriberId),
        original.channel,
        original.category,
        preferences.isCritical(original.tenantId, original.category),
      );
      if (!decision.send) {
        // The recipient said no: recorded with the reason, no provider call, no fallback to another channel.
        return {
          ...base,
          attempts: [],
          status: 'suppressed',
          provider: null,
          providerMessageId: null,
          error: { code: `preference_${decision.reason}`, message: PREFERENCE_MESSAGES[decision.reason] },
          nextAttemptAt: null,
        };
      }
      const rendering = renderings.get(original.id);
      if (rendering && 'error' in rendering) {
        return withFallback(original, {
          ...base,
          attempts: [],
          status: 'failed',
          provider: null,
          providerMessageId: null,
          error: { code: 'render_error', message: rendering.error },
          nextAttemptAt: null,
        });
      }
      const rendered = rendering ? { ...original, content: rendering.content } : original;
      const headers = await unsubscribeHeaders(rendered);
      const tracked = await withTracking(headers ? { ...rendered, headers } : rendered);
      const renderedLocale = rendering ? { renderedLocale: rendering.locale } : {};
      const links = tracked.links.length ? { links: tracked.links } : {};
      return { ...(await finish(tracked.d, base)), ...renderedLocale, ...links };
    }),
  );
  await Promise.all(
    [...tally].map(([key, t]) => ctx.env.PROVIDER_CIRCUIT.getByName(key).report(policy, t.successes, t.failures)),
  ).catch((err) => ctx.log.warn('could not report circuit breaker results', { err }));
  return outcomes;

  async function finish(
    d: DeliveryToSend,
    base: Pick<Outcome, 'tenantId' | 'deliveryId' | 'attemptNo'>,
  ): Promise<Outcome> {
    if (isSuppressed.has(`${d.tenantId}|${d.channel}|${d.address}`)) {
      return withFallback(d, {
        ...base,
        attempts: [],
        status: 'suppressed',
        provider: null,
        providerMessageId: null,
        error: { code: 'suppressed', message: `${d.channel} address is on the suppression list` },
        nextAttemptAt: null,
      });
    }
    // The inbox is inside the tenant's own product: test keys deliver to it too (docs/inbox.md).
    if (d.channel === 'in_app') return inboxOutcome(d, base);
    if (d.mode === 'test') return sandboxOutcome(d, base);
    const chain = chains.get(d.id)!;
    if (!Array.isArray(chain)) {
      return withFallback(d, {
        ...base,
        attempts: [],
        status: 'failed',
        provider: null,
        providerMessageId: null,
        error: { code: chain.code, message: chain.message },
        nextAttemptAt: null,
      });
    }
    return sendWithFailover(
      ctx,
      d,
      base,
      chain,
      (step) => (step.breakerKey ? breakers.get(step.breakerKey)! : OPEN_GATE),
      count,
    );
  }
}

/**
 * Renders the template deliveries of a batch (one query for every template version involved). Parsed templates
 * are cached per isolate by version, since versions never change. A template that cannot render safely fails
 * that delivery (`render_error`) and nothing else.
 */
async function renderTemplates(ctx: DeliverContext, rows: DeliveryToSend[]) {
  const out = new Map<string, { locale: string; content: DeliveryToSend['content'] } | { error: string }>();
  const templated = rows.filter((d) => d.templateId && d.templateVersion !== null);
  if (templated.length === 0) return out;
  const pairs = [
    ...new Map(
      templated.map((d) => [
        `${d.templateId}@${d.templateVersion}`,
        { tenantId: d.tenantId, templateId: d.templateId!, version: d.templateVersion! },
      ]),
    ).values(),
  ];
  const [contents, layoutRows] = await Promise.all([
    loadVersionContents(ctx.db, pairs),
    loadLayouts(ctx.db, [...new Set(templated.map((d) => d.tenantId))]),
  ]);
  await Promise.all(
    templated.map(async (d) => {
      const version = contents.find(
        (c) => c.tenant_id === d.tenantId && c.template_id === d.templateId && Number(c.version) === d.templateVersion,
      );
      if (!version) {
        out.set(d.id, { error: 'the template version no longer exists' });
        return;
      }
      try {
        const data = { ...(d.data ?? {}), recipient: { id: d.recipient, address: d.address } };
        const cacheKey = `${d.tenantId}:${d.templateId}:${d.templateVersion}`;
        out.set(
          d.id,
          await renderTemplate(
            version.content,
            d.channel,
            d.locale,
            data,
            cacheKey,
            layoutSourceFor(d.tenantId, layoutRows),
          ),
        );
      } catch (err) {
        out.set(d.id, { error: err instanceof RenderError ? err.message : `render failed: ${String(err)}` });
      }
    }),
  );
  return out;
}

/** in_app: stored in the inbox in the same transaction as the `sent` status, then relayed (persistOutcomes). */
function inboxOutcome(d: DeliveryToSend, base: Pick<Outcome, 'tenantId' | 'deliveryId' | 'attemptNo'>): Outcome {
  const content = inboxContent(d);
  return {
    ...base,
    attempts: [
      {
        provider: 'inbox',
        providerConfigId: null,
        outcome: 'sent',
        responseCode: null,
        durationMs: 0,
        errorCode: null,
        errorMessage: null,
        startedAt: new Date().toISOString(),
        units: null,
      },
    ],
    status: 'sent',
    provider: 'inbox',
    providerMessageId: null,
    error: null,
    nextAttemptAt: null,
    inbox: {
      id: d.id,
      tenantId: d.tenantId,
      subscriberId: d.address,
      notificationId: d.notificationId,
      ...content,
      // A template's in_app part has no data of its own: the send's data goes to the front end.
      data: content.data ?? d.data,
      category: d.category,
    },
  };
}

function sandboxOutcome(d: DeliveryToSend, base: Pick<Outcome, 'tenantId' | 'deliveryId' | 'attemptNo'>): Outcome {
  const now = new Date().toISOString();
  return {
    ...base,
    attempts: [
      {
        provider: 'sandbox',
        providerConfigId: null,
        outcome: 'sent',
        responseCode: null,
        durationMs: 0,
        errorCode: null,
        errorMessage: null,
        startedAt: now,
        units: null,
      },
    ],
    status: 'sent',
    provider: 'sandbox',
    providerMessageId: null,
    error: null,
    nextAttemptAt: null,
    sandbox: {
      notificationId: d.notificationId,
      channel: d.channel,
      recipient: d.recipient,
      address: d.address,
      message: renderForSandbox(toOutbound(d)),
    },
  };
}

async function sendWithFailover(
  ctx: DeliverContext,
  d: DeliveryToSend,
  base: Pick<Outcome, 'tenantId' | 'deliveryId' | 'attemptNo'>,
  chain: ChainStep[],
  breaker: (step: ChainStep) => { allowed: boolean; retryInMs: number },
  count: (key: string | null, ok: boolean) => void,
): Promise<Outcome> {
  const attempts: AttemptRecord[] = [];
  let lastError: ProviderError | null = null;
  let waitForBreakerMs = 0;
  for (const step of chain) {
    const startedAt = new Date();
    const gate = breaker(step);
    if (!gate.allowed) {
      waitForBreakerMs = waitForBreakerMs ? Math.min(waitForBreakerMs, gate.retryInMs) : gate.retryInMs;
      attempts.push({
        provider: step.provider.id,
        providerConfigId: step.configId,
        outcome: 'skipped',
        responseCode: null,
        durationMs: 0,
        errorCode: 'circuit_open',
        errorMessage: `circuit breaker open; retry in ${Math.ceil(gate.retryInMs / 1000)} s`,
        startedAt: startedAt.toISOString(),
        units: null,
      });
      continue;
    }
    let result: Awaited<ReturnType<ChainStep['provider']['send']>>;
    try {
      const credentials = await step.credentials();
      result = await withTrace(d.traceparent, () =>
        step.provider.send(toOutbound(d), credentials, {
          baseUrl: (url, key) => ctx.config.PROVIDER_BASE_URLS[key ?? step.provider.id] ?? url,
          timeoutMs: ctx.config.PROVIDER_TIMEOUT_SECONDS * 1000,
          urlPolicy: urlPolicyFor(ctx.config),
          bindings: { EMAIL: ctx.env.EMAIL },
        }),
      );
    } catch (err) {
      // A bug in a provider must not strand the delivery in `sending`: a retryable failure, next provider.
      ctx.log.error('provider threw', { ...deliveryFields(d), provider: step.provider.id, err });
      result = { ok: false, error: { code: 'provider_exception', message: String(err), retryable: true } };
    }
    const durationMs = Date.now() - startedAt.getTime();
    if (result.ok) {
      count(step.breakerKey, true);
      attempts.push({
        provider: step.provider.id,
        providerConfigId: step.configId,
        outcome: 'sent',
        responseCode: result.responseCode ?? null,
        durationMs,
        errorCode: null,
        errorMessage: null,
        startedAt: startedAt.toISOString(),
        units: result.units ?? null,
      });
      return {
        ...base,
        attempts,
        status: 'sent',
        provider: step.provider.id,
        providerMessageId: result.providerMessageId ?? null,
        error: null,
        nextAttemptAt: null,
      };
    }
    const error = result.error;
    // Only provider-side trouble counts against the breaker; a bad address says nothing about the provider.
    if (error.retryable || error.providerFault) count(step.breakerKey, false);
    attempts.push({
      provider: step.provider.id,
      providerConfigId: step.configId,
      outcome: error.retryable ? 'retryable_error' : 'permanent_error',
      responseCode: error.responseCode ?? null,
      durationMs,
      errorCode: error.code,
      errorMessage: error.message.slice(0, 1000),
      startedAt: startedAt.toISOString(),
      units: null,
    });
    lastError = error;
    if (error.invalidRecipient) {
      return withFallback(d, {
        ...base,
        attempts,
        status: 'failed',
        provider: step.provider.id,
        providerMessageId: null,
        error: { code: error.code, message: error.message.slice(0, 1000) },
        nextAttemptAt: null,
        suppress: { channel: d.channel, address: d.address, reason: error.code, provider: step.provider.id },
      });
    }
    if (!error.retryable && !error.providerFault) break; // the message itself was refused: another provider would too
  }
  const retryable = lastError ? lastError.retryable : true; // no error at all: every provider was skipped by its breaker
  if (retryable) {
    const delaySeconds = lastError
      ? retryDelaySeconds(lastError, base.attemptNo, ctx.config.RETRY_BASE_DELAY_SECONDS)
      : Math.max(1, Math.ceil(waitForBreakerMs / 1000));
    // Only skips: nothing was tried, so (within the backoff schedule's span) the wait costs no attempt.
    const ageSeconds = (Date.now() - d.createdAt.getTime()) / 1000;
    const releaseAttempt = !lastError && ageSeconds < breakerWaitHorizonSeconds(ctx.config.RETRY_BASE_DELAY_SECONDS);
    return {
      ...base,
      attempts,
      ...(releaseAttempt ? { releaseAttempt } : {}),
      status: 'queued',
      provider: attempts.at(-1)?.provider ?? null,
      providerMessageId: null,
      error: lastError
        ? { code: lastError.code, message: lastError.message.slice(0, 1000) }
        : { code: 'circuit_open', message: 'every provider is paused by its circuit breaker' },
      nextAttemptAt: new Date(Date.now() + delaySeconds * 1000).toISOString(),
    };
  }
  return withFallback(d, {
    ...base,
    attempts,
    status: 'failed',
    provider: attempts.at(-1)?.provider ?? null,
    providerMessageId: null,
    error: { code: lastError!.code, message: lastError!.message.slice(0, 1000) },
    nextAttemptAt: null,
  });
}

/** A permanently failed or suppressed delivery hands over to the next fallback channel, if the notification has one. */
function withFallback(d: DeliveryToSend, outcome: Outcome): Outcome {
  const [next, ...rest] = d.fallback ?? [];
  if (!next) return outcome;
  return {
    ...outcome,
    fallback: {
      id: newId('dlv'),
      notificationId: d.notificationId,
      channel: next.channel,
      priority: d.priority,
      subscriberId: d.subscriberId,
      recipient: d.recipient,
      address: next.address,
      rest,
    },
  };
}

/**
 * The provider calls already happened, so their outcomes must be written even through a short database outage:
 * giving up here would leave rows `sending` and, after the stale-claim timeout, send them a second time.
 */
async function persistOutcomes(ctx: DeliverContext, outcomes: Outcome[]) {
  const record = (list: Outcome[]) =>
    retryWhileDatabaseUnavailable(ctx.log, 'recording outcomes', () => recordOutcomes(ctx.db, list));
  let results: Awaited<ReturnType<typeof recordOutcomes>>[];
  try {
    results = [await record(outcomes)];
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    // One bad row (a constraint the batch did not foresee) must not hold back the outcomes of the whole batch:
    // their provider calls have happened, and an unrecorded one would be repeated after the stale-claim timeout.
    ctx.log.error('recording the batch failed; recording its outcomes one by one', { err, size: outcomes.length });
    results = await mapWithConcurrency(outcomes, 4, async (o) => {
      try {
        return await record([o]);
      } catch (one) {
        if (isDatabaseUnavailable(one)) throw one;
        // The status at least, without the extras (attempt rows, inbox, sandbox, suppression, fallback) that failed.
        ctx.log.error('recording an outcome failed; recording its status alone', {
          err: one,
          deliveryId: o.deliveryId,
        });
        const { inbox: _i, sandbox: _s, suppress: _p, fallback: _f, links: _l, ...bare } = o;
        return record([{ ...bare, attempts: [] }]);
      }
    });
  }
  await Promise.all([
    enqueueEmitted(
      ctx,
      results.flatMap((r) => r.emitted),
    ),
    publishInboxChanges(ctx.env, ctx.log, appendedChanges(results.flatMap((r) => r.inbox))),
  ]);
}
