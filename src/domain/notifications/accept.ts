import type { Db } from '../../db/client';
import { getSubscribersByExternalIds, insertPlanned } from '../../db/queries/notifications';
import { markNotEnqueued } from '../../db/queries/pipeline';
import type { AppBindings } from '../../env';
import type { ApiError } from '../../errors';
import type { Logger } from '../../observability/logger';
import { enqueueDeliveries } from '../../pipeline/producer';
import { type PlannedNotification, planDeliveries } from './plan-deliveries';
import type { SendNotificationRequest } from './send-request';

export interface AcceptContext {
  db: Db;
  env: AppBindings;
  log: Logger;
  tenantId: string;
  mode: 'test' | 'live';
  environment: string;
}

export type AcceptResult = { ok: true; planned: PlannedNotification } | { ok: false; error: ApiError };

/**
 * Accepts a batch of send requests (one for POST /v1/notifications, up to 1,000 for /bulk) with a fixed number
 * of round trips: one subscriber lookup, one insert batch, then sendBatch calls per lane in parallel.
 * Once the insert commits the notifications are durable; if the enqueue fails they are marked not enqueued and
 * the every-minute cron enqueues them, so an accepted notification is never lost.
 */
export async function acceptNotifications(
  ctx: AcceptContext,
  requests: SendNotificationRequest[],
): Promise<AcceptResult[]> {
  const externalIds = new Set<string>();
  for (const req of requests) {
    for (const r of Array.isArray(req.to) ? req.to : [req.to]) if (typeof r === 'string') externalIds.add(r);
  }
  const t0 = Date.now();
  const subs = await getSubscribersByExternalIds(ctx.db, ctx.tenantId, [...externalIds]);
  const subscribers = new Map(subs.map((s) => [s.externalId, s]));
  const now = new Date();
  const results: AcceptResult[] = requests.map((req) => {
    const planned = planDeliveries(req, {
      tenantId: ctx.tenantId,
      mode: ctx.mode,
      environment: ctx.environment,
      subscribers,
      now,
    });
    return 'notification' in planned ? { ok: true, planned } : { ok: false, error: planned };
  });
  const accepted = results.flatMap((r) => (r.ok ? [r.planned] : []));
  if (accepted.length === 0) return results;

  const t1 = Date.now();
  await insertPlanned(ctx.db, accepted, now.toISOString());
  const t2 = Date.now();
  const due = accepted
    .filter((p) => p.dueNow)
    .flatMap((p) => p.deliveries.filter((d) => d.status === 'queued'))
    .map((d) => ({ tenantId: d.tenantId, deliveryId: d.id, priority: d.priority }));
  try {
    await enqueueDeliveries(ctx.env, due);
  } catch (err) {
    ctx.log.error('enqueue failed after accept; the cron will enqueue', { err, count: due.length });
    await markNotEnqueued(
      ctx.db,
      ctx.tenantId,
      due.map((d) => d.deliveryId),
    ).catch((e) => ctx.log.error('could not mark deliveries for the cron', { err: e }));
  }
  ctx.log.debug('notifications accepted', {
    count: accepted.length,
    planMs: t1 - t0,
    insertMs: t2 - t1,
    enqueueMs: Date.now() - t2,
  });
  return results;
}
