import type { AppContext } from '../../context';
import type { DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import { newId } from '../../lib/ids';
import { enqueueDeliveries } from '../../queues/enqueue-deliveries';

/** A permanently failed or suppressed delivery hands over to the next fallback channel, if the notification has one. */
export function withFallback(d: DeliveryToSend, outcome: Outcome): Outcome {
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

/** Enqueues the fallback deliveries that recording the outcomes created. */
export async function enqueueFallbacks(ctx: AppContext, outcomes: Outcome[]) {
  const fallbacks = outcomes.flatMap((o) => (o.fallback ? [{ ...o.fallback, tenantId: o.tenantId }] : []));
  if (fallbacks.length === 0) return;
  // Committed already; if this enqueue fails the cron finds them (queued, enqueued long ago, due).
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
