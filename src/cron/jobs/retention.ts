import { sql } from 'drizzle-orm';
import { deleteExpiredWebhookData } from '../../db/queries/webhook-delivery';
import { EVENT_RETENTION_DAYS } from '../../domain/webhooks/event-types';
import type { CronContext } from '../cron-context';

/** Expired idempotency keys, and webhook events, attempts and receipt keys past the replay window. */
export async function deleteExpired({ db }: CronContext) {
  await db.execute(sql`DELETE FROM idempotency_keys WHERE ctid IN
    (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT 5000)`);
  await deleteExpiredWebhookData(db, EVENT_RETENTION_DAYS);
}
