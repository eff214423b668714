import type { AppContext } from '../../context';
import type { DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import { enqueueDeliveries } from '../../queues/enqueue-deliveries';
import { deliveryFields } from './log-fields';
import type { MessageActions } from './message-action';

/**
 * Sets each sent delivery's message action from its recorded outcome, and logs it: a retry waits for the
 * outcome's due time, a breaker wait travels in a fresh message (requeueBreakerWaits), everything else is acked.
 */
export async function actOnOutcomes(
  ctx: AppContext,
  outcomes: Outcome[],
  claimed: DeliveryToSend[],
  actions: MessageActions,
) {
  const rowOf = new Map(claimed.map((d) => [d.id, d]));
  const requeued = await requeueBreakerWaits(ctx, outcomes, rowOf);
  for (const o of outcomes) {
    const fields = { ...deliveryFields(rowOf.get(o.deliveryId)!), provider: o.provider };
    if (requeued.has(o.deliveryId)) {
      actions.set(o.deliveryId, { kind: 'ack' });
      ctx.log.info('delivery waits for a circuit breaker', { ...fields, delaySeconds: requeued.get(o.deliveryId) });
    } else if (o.status === 'queued') {
      const delaySeconds = Math.max(0, secondsUntil(o.nextAttemptAt!));
      actions.set(o.deliveryId, { kind: 'retry', delaySeconds });
      ctx.log.info('delivery will be retried', { ...fields, code: o.error?.code, delaySeconds });
    } else {
      actions.set(o.deliveryId, { kind: 'ack' });
      if (o.status === 'sent') ctx.log.info('delivery sent', { ...fields, attemptNo: o.attemptNo });
      else ctx.log.warn(`delivery ${o.status}`, { ...fields, code: o.error?.code });
    }
  }
}

const secondsUntil = (iso: string) => Math.ceil((Date.parse(iso) - Date.now()) / 1000);

/**
 * Deliveries whose every provider was skipped by an open breaker go back with a fresh delayed message (their
 * attempt was given back when the outcome was written), so the wait does not use up the message's retry budget.
 * Returns the ones requeued and their delays; if the send fails they fall back to an ordinary retry of the message.
 */
async function requeueBreakerWaits(
  ctx: AppContext,
  outcomes: Outcome[],
  rowOf: Map<string, DeliveryToSend>,
): Promise<Map<string, number>> {
  const waits = outcomes.filter((o) => o.releaseAttempt && o.status === 'queued');
  if (waits.length === 0) return new Map();
  const delays = new Map(waits.map((o) => [o.deliveryId, Math.max(1, secondsUntil(o.nextAttemptAt!))]));
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
