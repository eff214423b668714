import type { AppContext } from '../../context';
import { type DeliveryToSend, suppressQueued } from '../../db/queries/pipeline';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';
import { deferAndRequeue, MAX_DEFER_SECONDS } from './defer';
import type { MessageActions } from './message-action';
import type { PreferenceContext } from './preferences';
import { groupByRecipientShard } from './recipient-shard';

type Cap = NonNullable<ReturnType<PreferenceContext['capOf']>>;

interface OverCap {
  d: DeliveryToSend;
  cap: Cap;
  retryAfterSeconds: number;
}

/**
 * Fatigue budgets: a category's frequency cap (or the subscriber's own) per subscriber and channel, counted in the
 * subscriber's RecipientLimiter shard. Over the cap a delivery ends `suppressed` (`frequency_cap`) or, if the
 * category says so, waits for budget like a rate-limited one. Returns the rows within their caps.
 */
export async function applyFrequencyCaps(
  ctx: AppContext,
  rows: DeliveryToSend[],
  preferences: PreferenceContext,
  actions: MessageActions,
) {
  const capped = rows.flatMap((d) => {
    const cap = preferences.capOf(d.tenantId, d.subscriberId, d.category);
    return cap ? [{ d, cap }] : [];
  });
  if (capped.length === 0) return rows;
  const over = await takeCapBudgets(ctx, capped);
  if (over.length === 0) return rows;
  const suppress = over.filter((o) => o.cap.onExceed !== 'defer');
  const defer = over.filter((o) => o.cap.onExceed === 'defer');
  await suppressOverCap(ctx, suppress);
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

/** Takes one token per capped delivery (one Durable Object call per shard); returns those over their cap. */
async function takeCapBudgets(ctx: AppContext, capped: { d: DeliveryToSend; cap: Cap }[]): Promise<OverCap[]> {
  const over: OverCap[] = [];
  await Promise.all(
    [...groupByRecipientShard(capped, (item) => item.d)].map(async ([shard, items]) => {
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
  return over;
}

/** Ends the over-cap deliveries whose category drops them: `suppressed` with the cap in the reason. */
async function suppressOverCap(ctx: AppContext, suppress: OverCap[]) {
  if (suppress.length === 0) return;
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
