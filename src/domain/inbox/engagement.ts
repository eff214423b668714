import type { MarkState } from '../../db/queries/inbox';
import type { Engagement } from '../analytics/record-engagement';

/**
 * In-app engagement: seen counts as opened and read as clicked (read implies seen), once per message — the event
 * key is fixed per message and kind, so marking unseen and seen again does not count twice.
 */
export function inboxEngagement(ids: string[], state: MarkState): Engagement[] {
  if (state !== 'seen' && state !== 'read') return [];
  return ids.flatMap((deliveryId) => [
    { deliveryId, type: 'opened' as const, eventKey: `inbox-seen:${deliveryId}` },
    ...(state === 'read' ? [{ deliveryId, type: 'clicked' as const, eventKey: `inbox-read:${deliveryId}` }] : []),
  ]);
}
