import { type DeliveryToSend, STALE_CLAIM_SECONDS } from '../../db/queries/pipeline';
import { MAX_QUEUE_DELAY_SECONDS } from '../../lib/queue-limits';
import type { MessageAction, MessageActions } from './message-action';

const TERMINAL = new Set(['sent', 'delivered', 'failed', 'bounced', 'suppressed', 'canceled', 'dead_lettered']);

/** Queues may hand a delayed message over a little early; anything more is a message from before a reschedule. */
const EARLY_TOLERANCE_MS = 3000;

/** Scheduled sends due within one step go out together. */
const DUE_STEP_MS = 250;

/**
 * The rows this batch should send. The others get their action now: terminal ones and those another consumer holds
 * are acked, those not yet due wait or are acked (notYetDue).
 */
export function rowsToSend(rows: DeliveryToSend[], now: number, actions: MessageActions): DeliveryToSend[] {
  // `sending` = another consumer holds it, unless the claim is stale: its consumer died before writing the outcome,
  // and the cron has sent this message so that we take the claim over (claimDeliveries re-checks staleness).
  return rows.filter((d) => {
    if (TERMINAL.has(d.status) || (d.status === 'sending' && !claimIsStale(d, now))) actions.set(d.id, { kind: 'ack' });
    else {
      const early = notYetDue(d, now);
      if (early) actions.set(d.id, early);
    }
    return !actions.has(d.id);
  });
}

const claimIsStale = (d: DeliveryToSend, now: number) =>
  d.claimedAt !== null && now - d.claimedAt.getTime() > STALE_CLAIM_SECONDS * 1000;

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

/** Rows grouped by due time in 250 ms steps, earliest first (rows already due form the first group). */
export function byDueTime(rows: DeliveryToSend[]) {
  const now = Date.now();
  const groups = new Map<number, DeliveryToSend[]>();
  for (const d of rows) {
    const due = Math.max(now, d.nextAttemptAt?.getTime() ?? now);
    const slot = Math.ceil((due - now) / DUE_STEP_MS);
    groups.set(slot, [...(groups.get(slot) ?? []), d]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, group]) => ({ dueAt: now + slot * DUE_STEP_MS, rows: group }));
}

/** Resolves at `at` (epoch ms); at once if that has passed. */
export async function waitUntil(at: number) {
  const waitMs = at - Date.now();
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
}
