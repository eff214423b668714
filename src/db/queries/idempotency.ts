import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { idempotencyKeys } from '../schema';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** An in-flight record older than this is presumed abandoned (its isolate died) and can be taken over. */
export const IN_FLIGHT_TIMEOUT_SECONDS = 60;

/**
 * Claims `key` for this request. Returns true when we own it (new, expired, or abandoned); false when another
 * request holds it or has finished with it (then read it with getIdempotencyRecord).
 */
export async function claimIdempotencyKey(db: Db, tenantId: string, key: string, requestHash: string) {
  const rows = await db
    .insert(idempotencyKeys)
    .values({
      tenantId,
      key,
      requestHash,
      status: 'in_flight',
      expiresAt: sql`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`,
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.tenantId, idempotencyKeys.key],
      set: {
        requestHash,
        status: 'in_flight',
        responseStatus: null,
        responseBody: null,
        createdAt: sql`now()`,
        expiresAt: sql`now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`,
      },
      setWhere: sql`${idempotencyKeys.expiresAt} < now() OR (${idempotencyKeys.status} = 'in_flight' AND ${idempotencyKeys.createdAt} < now() - make_interval(secs => ${IN_FLIGHT_TIMEOUT_SECONDS}))`,
    })
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function getIdempotencyRecord(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
  return row;
}

export function completeIdempotencyKey(db: Db, tenantId: string, key: string, status: number, body: string) {
  return db
    .update(idempotencyKeys)
    .set({ status: 'done', responseStatus: status, responseBody: body })
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
}

export function releaseIdempotencyKey(db: Db, tenantId: string, key: string) {
  return db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.status, 'in_flight'),
      ),
    );
}
