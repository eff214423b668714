import { sql } from 'drizzle-orm';
import {
  clearExpiredWebhookSnippets,
  deleteExpiredSandbox,
  deleteExpiredWebhookEvents,
  FIRST_CURSOR,
  type NotificationCursor,
  nextPurgeableNotifications,
  PURGE_BATCH,
  purgeNotificationBodies,
  tenantsWithExpiredBodies,
} from '../../db/queries/retention';
import { deleteExpiredWebhookData } from '../../db/queries/webhook-delivery';
import { DEFAULT_RETENTION_DAYS } from '../../domain/retention/retention-policy';
import { EVENT_RETENTION_DAYS } from '../../domain/webhooks/event-types';
import type { CronContext } from '../cron-context';

/** Expired idempotency keys, and webhook events, attempts and receipt keys past the replay window. */
export async function deleteExpired({ db }: CronContext) {
  await db.execute(sql`DELETE FROM idempotency_keys WHERE ctid IN
    (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 5000)`);
  await deleteExpiredWebhookData(db, EVENT_RETENTION_DAYS);
}

/**
 * Wall-clock budget of one daily run. A Cron Trigger firing at most hourly may run 15 minutes; stopping well short
 * leaves room for the statement in flight, and whatever is left is picked up by the next run.
 */
const PURGE_BUDGET_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

type Step = 'notifications' | 'sandbox' | 'webhookEvents' | 'webhookSnippets';

interface TenantWork {
  tenantId: string;
  cutoff: Date;
  steps: Step[];
  cursor: NotificationCursor;
}

/**
 * Daily: removes message bodies and attempt details past each tenant's retention (docs/operations.md#retention),
 * keeping delivery statuses and the usage roll-ups. Tenants take turns one batch at a time, so one large backlog
 * does not starve the others, until the work or the time budget runs out. Idempotent: a batch either commits or
 * is redone by the next run.
 */
export async function purgeExpiredBodies(ctx: CronContext, budgetMs = PURGE_BUDGET_MS) {
  const { db, log } = ctx;
  const started = Date.now();
  const now = ctx.scheduledTime;
  const tenants = await tenantsWithExpiredBodies(db, now, DEFAULT_RETENTION_DAYS, EVENT_RETENTION_DAYS);
  let queue: TenantWork[] = tenants.map((t) => ({
    tenantId: t.tenantId,
    cutoff: new Date(now.getTime() - t.days * DAY_MS),
    // Events past 30 days go with the hourly job for everyone; a shorter retention takes them earlier.
    steps:
      t.days < EVENT_RETENTION_DAYS
        ? ['notifications', 'sandbox', 'webhookEvents', 'webhookSnippets']
        : ['notifications', 'sandbox'],
    cursor: FIRST_CURSOR,
  }));
  const totals: Record<Step, number> = { notifications: 0, sandbox: 0, webhookEvents: 0, webhookSnippets: 0 };
  while (queue.length > 0 && Date.now() - started < budgetMs) {
    for (const work of queue) {
      if (Date.now() - started >= budgetMs) break;
      const step = work.steps[0]!;
      const { count, more } = await runStep(ctx, work, step);
      totals[step] += count;
      if (!more) work.steps.shift();
    }
    queue = queue.filter((w) => w.steps.length > 0);
  }
  const finished = queue.length === 0;
  log.info('expired bodies purged', { tenants: tenants.length, ...totals, finished, ms: Date.now() - started });
  if (!finished) log.warn('retention budget spent; the next run continues', { tenantsLeft: queue.length });
}

async function runStep({ db }: CronContext, w: TenantWork, step: Step): Promise<{ count: number; more: boolean }> {
  switch (step) {
    case 'notifications': {
      const batch = await nextPurgeableNotifications(db, w.tenantId, w.cutoff, w.cursor);
      if (!batch.next) return { count: 0, more: false };
      w.cursor = batch.next;
      return { count: await purgeNotificationBodies(db, w.tenantId, batch.ids), more: true };
    }
    case 'sandbox': {
      const count = await deleteExpiredSandbox(db, w.tenantId, w.cutoff);
      return { count, more: count === PURGE_BATCH };
    }
    case 'webhookEvents': {
      const count = await deleteExpiredWebhookEvents(db, w.tenantId, w.cutoff);
      return { count, more: count === PURGE_BATCH };
    }
    case 'webhookSnippets': {
      const count = await clearExpiredWebhookSnippets(db, w.tenantId, w.cutoff);
      return { count, more: count === PURGE_BATCH };
    }
  }
}
