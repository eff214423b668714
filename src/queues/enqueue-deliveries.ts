import type { Channel, Priority } from '../db/schema';
import type { AppBindings } from '../env';
import { SEND_BATCH_LIMIT } from '../lib/queue-limits';
import { type Lane, laneFor, queueFor } from './lanes';
import { deliverMessage } from './messages';

export interface EnqueueItem {
  tenantId: string;
  deliveryId: string;
  priority: Priority;
  /** Picks the inbox lane for in_app; without it the priority's lane (still delivered, just not on the fast lane). */
  channel?: Channel | undefined;
  delaySeconds?: number;
  requestId?: string | undefined;
}

/** Enqueues deliveries on their lanes: one sendBatch per 100 messages per lane, all in parallel. */
export async function enqueueDeliveries(env: AppBindings, items: EnqueueItem[]): Promise<void> {
  const byLane = new Map<Lane, MessageSendRequest[]>();
  for (const item of items) {
    const lane = laneFor(item.priority, item.channel);
    const list = byLane.get(lane) ?? [];
    list.push({
      body: deliverMessage(item.tenantId, item.deliveryId, item.requestId),
      contentType: 'json',
      // A second early, rounded down: the message arrives 1–2 s ahead (plus up to the lane's batch timeout) and
      // the consumer waits out the rest, so a scheduled send fires at its time instead of up to 2 s after it.
      ...(item.delaySeconds && item.delaySeconds >= 2 ? { delaySeconds: Math.floor(item.delaySeconds) - 1 } : {}),
    });
    byLane.set(lane, list);
  }
  const sends: Promise<unknown>[] = [];
  for (const [lane, messages] of byLane) {
    for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
      sends.push(queueFor(env, lane).sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT)));
    }
  }
  await Promise.all(sends);
}
