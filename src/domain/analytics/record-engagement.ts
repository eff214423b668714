import type { Db } from '../../db/client';
import { applyReceipts } from '../../db/queries/receipts';
import type { AppBindings } from '../../env';
import type { Logger } from '../../observability/logger';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';

export interface Engagement {
  deliveryId: string;
  type: 'opened' | 'clicked';
  /** Same key = same event, counted once (in-app marks); a fresh key per open/click otherwise. */
  eventKey: string;
  url?: string;
}

/**
 * Folds opens and clicks we observed ourselves (tracking pixel and redirects, inbox seen/read) into the
 * deliveries exactly as provider receipts are: first time + count, and `delivery.opened`/`clicked` the first time.
 */
export async function recordEngagement(
  ctx: { db: Db; env: AppBindings; log: Logger },
  tenantId: string,
  provider: string,
  items: Engagement[],
) {
  if (items.length === 0) return;
  const at = new Date().toISOString();
  const emitted = await applyReceipts(
    ctx.db,
    tenantId,
    provider,
    items.map((e) => ({
      eventKey: e.eventKey,
      providerMessageId: '',
      deliveryId: e.deliveryId,
      type: e.type,
      at,
      ...(e.url ? { url: e.url } : {}),
    })),
  );
  await enqueueEmitted(ctx, emitted);
}
