import type { AppContext } from '../../context';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { recipientPolicy } from '../../domain/rate-limit/recipient-limits';
import { type Deferral, deferAndRequeue } from './defer';
import type { MessageActions } from './message-action';
import { groupByRecipientShard } from './recipient-shard';

/**
 * Takes a token per delivery from its recipient's bucket: one Durable Object call per limiter shard in the batch.
 * Over the limit → deferred with a fresh delayed message, not message.retry(): waiting for a recipient's bucket
 * must not use up the retries that exist for provider failures, and nothing is dropped. Returns the rows allowed.
 */
export async function applyRecipientLimits(ctx: AppContext, rows: DeliveryToSend[], actions: MessageActions) {
  const allowed: DeliveryToSend[] = [];
  const deferred: Deferral[] = [];
  await Promise.all(
    [...groupByRecipientShard(rows, (d) => d)].map(async ([shard, shardRows]) => {
      const list = byRecipientAndChannel(shardRows);
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

/** One bucket per recipient and channel: its deliveries take their tokens together. */
function byRecipientAndChannel(rows: DeliveryToSend[]) {
  const groups = new Map<string, DeliveryToSend[]>();
  for (const d of rows) {
    const key = `${d.recipient}\u0000${d.channel}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()];
}
