import type { AppContext } from '../../context';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { claim } from './claim';
import { byDueTime, rowsToSend, waitUntil } from './due-time';
import { enqueueFallbacks } from './fallback';
import { applyFrequencyCaps } from './frequency-caps';
import type { MessageAction, MessageActions } from './message-action';
import { actOnOutcomes } from './outcome-actions';
import { persistOutcomes } from './persist-outcomes';
import { loadPreferences } from './preferences';
import { priceOutcomes } from './price-outcomes';
import { applyQuietHours } from './quiet-hours';
import { applyRecipientLimits } from './recipient-limits';
import { sendClaimed } from './send-claimed';

export type { MessageAction } from './message-action';

/**
 * Handles the deliveries of one queue batch with a fixed number of database round trips (claim, then one write
 * of every outcome), whatever the batch size. Idempotent: terminal or canceled deliveries are acked untouched,
 * and the atomic claim guarantees one provider call per attempt however often a message is redelivered.
 * Returns the action for each delivery id.
 */
export async function deliverBatch(ctx: AppContext, rows: DeliveryToSend[]): Promise<Map<string, MessageAction>> {
  const actions: MessageActions = new Map();
  const pending = rowsToSend(rows, Date.now(), actions);
  // Scheduled sends arrive up to a few seconds early (see queues/enqueue-deliveries.ts): send each group at its due time.
  for (const group of byDueTime(pending)) {
    await waitUntil(group.dueAt);
    for (const [id, action] of await deliverDue(ctx, group.rows)) actions.set(id, action);
  }
  return actions;
}

/** The deliveries that are due now: through the gates, claimed, sent, recorded, and each given its action. */
async function deliverDue(ctx: AppContext, rows: DeliveryToSend[]): Promise<MessageActions> {
  const actions: MessageActions = new Map();
  const t0 = Date.now();
  const preferences = await loadPreferences(ctx, rows);
  const awake = await applyQuietHours(ctx, rows, preferences, actions);
  const withinCaps = await applyFrequencyCaps(ctx, awake, preferences, actions);
  const allowed = await applyRecipientLimits(ctx, withinCaps, actions);
  const t1 = Date.now();
  const { claimed, attemptOf } = await claim(ctx, allowed, actions);
  const t2 = Date.now();
  const outcomes = priceOutcomes(await sendClaimed(ctx, claimed, attemptOf, preferences), claimed);
  const t3 = Date.now();
  if (outcomes.length) await persistOutcomes(ctx, outcomes);
  await enqueueFallbacks(ctx, outcomes);
  ctx.log.debug('delivery batch', {
    size: rows.length,
    sent: outcomes.length,
    limitMs: t1 - t0,
    claimMs: t2 - t1,
    sendMs: t3 - t2,
    recordMs: Date.now() - t3,
  });
  await actOnOutcomes(ctx, outcomes, claimed, actions);
  return actions;
}
