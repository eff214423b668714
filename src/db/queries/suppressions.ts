import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { suppressions } from '../schema';
import { hashedAddress } from './gdpr';

/** The (channel, address) pairs of a batch that are suppressed for their tenant. */
export async function findSuppressed(db: Db, items: { tenantId: string; channel: string; address: string }[]) {
  if (items.length === 0) return [];
  const result = await db.execute<{ tenant_id: string; channel: string; address: string }>(sql`
    SELECT s.tenant_id, s.channel, x.address FROM suppressions s
    JOIN jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x("tenantId" text, channel text, address text)
      ON s.tenant_id = x."tenantId" AND s.channel = x.channel
        -- an erased person's suppression is kept hashed (gdpr.ts), so re-adding them does not re-mail them
        AND s.address IN (x.address, ${hashedAddress(sql`x."tenantId"`, sql`x.address`)})`);
  return result.rows;
}

export async function listSuppressions(
  db: Db,
  tenantId: string,
  channel: string | undefined,
  limit: number,
  after?: string,
) {
  const rows = await db
    .select()
    .from(suppressions)
    .where(
      and(
        eq(suppressions.tenantId, tenantId),
        channel ? eq(suppressions.channel, channel) : undefined,
        after ? lt(suppressions.createdAt, new Date(after)) : undefined,
      ),
    )
    .orderBy(desc(suppressions.createdAt))
    .limit(limit + 1);
  const data = rows.slice(0, limit);
  return { data, next: rows.length > limit ? (data[data.length - 1]?.createdAt.toISOString() ?? null) : null };
}

export const deleteSuppression = (db: Db, tenantId: string, channel: string, address: string) =>
  db
    .delete(suppressions)
    .where(
      and(eq(suppressions.tenantId, tenantId), eq(suppressions.channel, channel), eq(suppressions.address, address)),
    )
    .returning({ address: suppressions.address });
