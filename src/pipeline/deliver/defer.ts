import type { AppContext } from '../../context';
import { type DeliveryToSend, deferDeliveries } from '../../db/queries/pipeline';
import { MAX_QUEUE_DELAY_SECONDS } from '../../lib/queue-limits';
import { enqueueDeliveries } from '../../queues/enqueue-deliveries';
import { deliveryFields } from './log-fields';
import type { MessageActions } from './message-action';

/** A longer wait than the queue's delay cap is re-checked when the message comes back. */
export const MAX_DEFER_SECONDS = MAX_QUEUE_DELAY_SECONDS - 60;

/** A delivery held back by a gate, and for how long. */
export interface Deferral {
  d: DeliveryToSend;
  delaySeconds: number;
}

/**
 * Puts deliveries back to wait: `queued` with the due time (and why, when given) recorded, a new delayed message
 * sent, the current message acked. Used by quiet hours, frequency caps and recipient limits.
 */
export async function deferAndRequeue(
  ctx: AppContext,
  items: Deferral[],
  code: string | null,
  why: string,
  actions: MessageActions,
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
