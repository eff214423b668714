import type { DeliveryStatus } from '../../db/schema';

export type NotificationStatus = 'scheduled' | 'queued' | 'in_progress' | 'completed' | 'failed' | 'canceled';

const SUCCESS: DeliveryStatus[] = ['sent', 'delivered'];

/**
 * A notification's status is derived from its deliveries (never stored, so it cannot drift):
 * scheduled/queued until any delivery moves, in_progress while some are pending, then completed when at least
 * one delivery succeeded, canceled when every delivery was canceled, failed otherwise.
 */
export function notificationStatus(
  statuses: DeliveryStatus[],
  sendAt: Date | null,
  now = new Date(),
): NotificationStatus {
  const pending = statuses.filter((s) => s === 'queued' || s === 'sending').length;
  if (pending > 0) {
    if (pending === statuses.length && statuses.every((s) => s === 'queued')) {
      return sendAt && sendAt.getTime() > now.getTime() ? 'scheduled' : 'queued';
    }
    return 'in_progress';
  }
  if (statuses.length > 0 && statuses.every((s) => s === 'canceled')) return 'canceled';
  return statuses.some((s) => SUCCESS.includes(s)) ? 'completed' : 'failed';
}
