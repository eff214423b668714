import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { ProviderError } from '../../channels/types';
import { newId } from '../../lib/ids';
import type { Db } from '../client';
import { deliveries, deliveryAttempts, notifications, tenants } from '../schema';

/**
 * Queries of the queue consumers and cron. Each is scoped by tenant id taken from the queue message or the row,
 * never by a delivery id alone.
 */

/** A claim older than this is presumed abandoned (consumer crashed); far beyond any provider timeout. */
export const STALE_CLAIM_SECONDS = 600;

export async function loadDeliveriesForSend(db: Db, tenantIds: string[], ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: deliveries.id,
      tenantId: deliveries.tenantId,
      notificationId: deliveries.notificationId,
      channel: deliveries.channel,
      status: deliveries.status,
      priority: deliveries.priority,
      recipient: deliveries.recipient,
      address: deliveries.address,
      claimedAt: deliveries.claimedAt,
      content: notifications.content,
      data: notifications.data,
      metadata: notifications.metadata,
      category: notifications.category,
      recipientLimits: tenants.recipientLimits,
    })
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .innerJoin(tenants, eq(tenants.id, deliveries.tenantId))
    .where(and(inArray(deliveries.tenantId, tenantIds), inArray(deliveries.id, ids)));
}

export type DeliveryToSend = Awaited<ReturnType<typeof loadDeliveriesForSend>>[number];

/**
 * queued → sending, atomically: of two consumers holding the same message, exactly one gets the row back.
 * A `sending` row whose claim is stale (its consumer died) can be claimed again.
 */
export async function claimDelivery(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .update(deliveries)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.id, id),
        or(
          eq(deliveries.status, 'queued'),
          and(
            eq(deliveries.status, 'sending'),
            lt(deliveries.claimedAt, sql`now() - make_interval(secs => ${STALE_CLAIM_SECONDS})`),
          ),
        ),
      ),
    )
    .returning({ attempts: deliveries.attempts });
  return row;
}

export interface AttemptRecord {
  tenantId: string;
  deliveryId: string;
  attemptNo: number;
  provider: string;
  startedAt: Date;
  durationMs: number;
}

/** Success: the attempt row and `sent`, in one transaction. */
export function recordSent(db: Db, a: AttemptRecord, result: { providerMessageId?: string; responseCode?: number }) {
  return db.batch([
    db.insert(deliveryAttempts).values({
      id: newId('att'),
      ...a,
      outcome: 'sent',
      responseCode: result.responseCode ?? null,
    }),
    db
      .update(deliveries)
      .set({
        status: 'sent',
        provider: a.provider,
        providerMessageId: result.providerMessageId ?? null,
        sentAt: sql`now()`,
        lastError: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(deliveries.tenantId, a.tenantId), eq(deliveries.id, a.deliveryId))),
  ]);
}

/** Failure: the attempt row and either back to `queued` (retry due at `retryAt`) or `failed`. */
export function recordFailure(db: Db, a: AttemptRecord, error: ProviderError, retryAt: Date | null) {
  return db.batch([
    db.insert(deliveryAttempts).values({
      id: newId('att'),
      ...a,
      outcome: retryAt ? 'retryable_error' : 'permanent_error',
      responseCode: error.responseCode ?? null,
      errorCode: error.code,
      errorMessage: error.message.slice(0, 1000),
    }),
    db
      .update(deliveries)
      .set({
        status: retryAt ? 'queued' : 'failed',
        provider: a.provider,
        lastError: { code: error.code, message: error.message.slice(0, 1000) },
        nextAttemptAt: retryAt,
        claimedAt: null,
        updatedAt: sql`now()`,
      })
      .where(
        and(eq(deliveries.tenantId, a.tenantId), eq(deliveries.id, a.deliveryId), eq(deliveries.status, 'sending')),
      ),
  ]);
}

/** Rate-limited: stays `queued`, due again at `at` (a new delayed message carries it). */
export function deferDelivery(db: Db, tenantId: string, id: string, at: Date) {
  return db
    .update(deliveries)
    .set({ nextAttemptAt: at, enqueuedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id), eq(deliveries.status, 'queued')));
}

/** DLQ consumer: whatever was still pending is now visibly dead-lettered. Terminal rows are left alone. */
export async function markDeadLettered(db: Db, tenantId: string, ids: string[]) {
  return db
    .update(deliveries)
    .set({ status: 'dead_lettered', deadLetteredAt: sql`now()`, claimedAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        inArray(deliveries.id, ids),
        inArray(deliveries.status, ['queued', 'sending']),
      ),
    )
    .returning({ id: deliveries.id });
}

/**
 * Cron: deliveries that need a queue message now. Due scheduled ones never enqueued, enqueues that failed,
 * messages that vanished (`queued` long past due), and claims abandoned by a crashed consumer.
 * Marks them enqueued in the same statement so overlapping cron runs do not pick the same rows.
 */
export async function claimDueForEnqueue(db: Db, limit: number) {
  const result = await db.execute<{
    id: string;
    tenant_id: string;
    priority: string;
    next_attempt_at: string | null;
  }>(sql`
    UPDATE deliveries SET enqueued_at = now(), updated_at = now()
    WHERE id IN (
      SELECT id FROM deliveries
      WHERE (status = 'queued' AND enqueued_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '60 seconds'))
         OR (status = 'queued' AND enqueued_at < now() - interval '15 minutes' AND next_attempt_at < now() - interval '15 minutes')
         OR (status = 'sending' AND claimed_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS}))
      ORDER BY next_attempt_at NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, tenant_id, priority, next_attempt_at`);
  return result.rows;
}

/** The enqueue after accept failed: leave the rows for the cron to pick up within a minute. */
export function markNotEnqueued(db: Db, tenantId: string, ids: string[]) {
  return db
    .update(deliveries)
    .set({ enqueuedAt: null })
    .where(and(eq(deliveries.tenantId, tenantId), inArray(deliveries.id, ids)));
}
