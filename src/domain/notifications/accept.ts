import type { Db } from '../../db/client';
import type { PlannedNotification } from '../../db/queries/notifications';
import { getSubscribersByExternalIds, insertPlanned } from '../../db/queries/notifications';
import { markNotEnqueued } from '../../db/queries/pipeline';
import { loadTemplatesByKeys, loadVersionContents } from '../../db/queries/templates';
import { isBudgetStopped } from '../../db/queries/tenants';
import type { SubscriberRow } from '../../db/schema';
import type { AppBindings } from '../../env';
import { ApiError } from '../../errors';
import { secondsUntil } from '../../lib/seconds-until';
import type { UrlPolicy } from '../../lib/ssrf-guard';
import type { Logger } from '../../observability/logger';
import { enqueueDeliveries } from '../../queues/enqueue-deliveries';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';
import { monthKey } from '../analytics/budget';
import { planDeliveries, type ResolvedTemplate, templateRef } from './plan-deliveries';
import type { SendNotificationRequest } from './send-request';

export interface AcceptContext {
  db: Db;
  env: AppBindings;
  log: Logger;
  tenantId: string;
  mode: 'test' | 'live';
  urlPolicy: UrlPolicy;
  /** The API request (or cron run) this accept belongs to: stored on the notifications for later hops. */
  trace?: { requestId: string; traceparent: string };
}

/** `inserted: false`: the request's dedupe key was already used (a repeated fan-out chunk or schedule run). */
export type AcceptResult =
  | { ok: true; planned: PlannedNotification; inserted: boolean }
  | { ok: false; error: ApiError };

/** Where a notification came from when not from an API call: makes its creation exactly-once. */
export interface NotificationOrigin {
  dedupeKey: string;
  broadcastId?: string;
  scheduleId?: string;
}

/**
 * Accepts a batch of send requests (one for POST /v1/notifications, up to 1,000 for /bulk) with a fixed number
 * of round trips: one subscriber lookup, one insert batch, then sendBatch calls per lane in parallel.
 * Once the insert commits the notifications are durable; if the enqueue fails they are marked not enqueued and
 * the every-minute cron enqueues them, so an accepted notification is never lost.
 */
export async function acceptNotifications(
  ctx: AcceptContext,
  requests: SendNotificationRequest[],
  origins?: (NotificationOrigin | undefined)[],
  /** The subscribers the requests name, when the caller has them already (a fan-out chunk): skips the lookup. */
  known?: SubscriberRow[],
): Promise<AcceptResult[]> {
  const externalIds = new Set<string>();
  for (const req of requests) {
    for (const r of Array.isArray(req.to) ? req.to : [req.to]) if (typeof r === 'string') externalIds.add(r);
  }
  const t0 = Date.now();
  const [subs, templates, stopped] = await Promise.all([
    known ?? getSubscribersByExternalIds(ctx.db, ctx.tenantId, [...externalIds]),
    resolveTemplates(ctx, requests),
    // Read alongside the other lookups, so the check costs no extra round trip.
    isBudgetStopped(ctx.db, ctx.tenantId, monthKey(new Date())),
  ]);
  if (stopped) {
    throw new ApiError(
      'budget_exceeded',
      "This month's budget is spent and its hard stop is on: raise monthlyBudget (PATCH /v1/usage/settings) or wait for the next month",
    );
  }
  const subscribers = new Map(subs.map((s) => [s.externalId, s]));
  const now = new Date();
  const results: AcceptResult[] = requests.map((req, i) => {
    const planned = planDeliveries(req, {
      tenantId: ctx.tenantId,
      mode: ctx.mode,
      urlPolicy: ctx.urlPolicy,
      subscribers,
      templates,
      now,
    });
    if (!('notification' in planned)) return { ok: false, error: planned };
    if (ctx.trace) {
      planned.notification.requestId = ctx.trace.requestId;
      planned.notification.traceparent = ctx.trace.traceparent;
    }
    const origin = origins?.[i];
    if (origin) {
      planned.notification.dedupeKey = origin.dedupeKey;
      planned.notification.broadcastId = origin.broadcastId ?? null;
      planned.notification.scheduleId = origin.scheduleId ?? null;
    }
    return { ok: true, planned, inserted: true };
  });
  let accepted = results.flatMap((r) => (r.ok ? [r.planned] : []));
  if (accepted.length === 0) return results;

  const t1 = Date.now();
  const { emitted, insertedIds } = await insertPlanned(ctx.db, accepted, now.toISOString());
  if (insertedIds) {
    for (const r of results) if (r.ok && !insertedIds.has(r.planned.notification.id)) r.inserted = false;
    accepted = accepted.filter((p) => insertedIds.has(p.notification.id));
  }
  const t2 = Date.now();
  const due = accepted
    .filter((p) => p.dueNow)
    .flatMap((p) => p.deliveries.filter((d) => d.status === 'queued'))
    .map((d) => ({
      tenantId: d.tenantId,
      deliveryId: d.id,
      priority: d.priority,
      channel: d.channel,
      delaySeconds: secondsUntil(d.nextAttemptAt),
      requestId: ctx.trace?.requestId,
    }));
  const events = enqueueEmitted(ctx, emitted);
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
  await events;
  ctx.log.debug('notifications accepted', {
    count: accepted.length,
    planMs: t1 - t0,
    insertMs: t2 - t1,
    enqueueMs: Date.now() - t2,
  });
  return results;
}

/** Resolves the templates a batch of sends names: two queries whatever the number of sends. */
async function resolveTemplates(ctx: AcceptContext, requests: SendNotificationRequest[]) {
  const resolved = new Map<string, ResolvedTemplate>();
  const refs = requests.flatMap((r) => (r.template ? [{ key: r.template, version: r.templateVersion }] : []));
  if (refs.length === 0) return resolved;
  const rows = await loadTemplatesByKeys(ctx.db, ctx.tenantId, [...new Set(refs.map((r) => r.key))]);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const wanted: { tenantId: string; templateId: string; version: number }[] = [];
  for (const ref of refs) {
    const row = byKey.get(ref.key);
    const version = ref.version ?? row?.publishedVersion ?? null;
    if (!row) resolved.set(templateRef(ref.key, ref.version), { error: `unknown template '${ref.key}'` });
    else if (version === null)
      resolved.set(templateRef(ref.key, ref.version), { error: `template '${ref.key}' has no published version` });
    else wanted.push({ tenantId: ctx.tenantId, templateId: row.id, version });
  }
  const contents = await loadVersionContents(ctx.db, wanted);
  for (const ref of refs) {
    const row = byKey.get(ref.key);
    if (!row || resolved.has(templateRef(ref.key, ref.version))) continue;
    const version = ref.version ?? row.publishedVersion!;
    const found = contents.find((c) => c.template_id === row.id && Number(c.version) === version);
    resolved.set(
      templateRef(ref.key, ref.version),
      found
        ? { id: row.id, version, content: found.content }
        : { error: `template '${ref.key}' has no version ${version}` },
    );
  }
  return resolved;
}
