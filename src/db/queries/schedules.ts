import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../client';
import { schedules } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export type NewSchedule = typeof schedules.$inferInsert;

export async function insertSchedule(db: Db, row: NewSchedule) {
  const [created] = await db.insert(schedules).values(row).returning();
  return created!;
}

export async function getSchedule(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(schedules)
    .where(and(eq(schedules.tenantId, tenantId), eq(schedules.id, id)));
  return row;
}

export async function listSchedules(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(schedules)
    .where(and(eq(schedules.tenantId, tenantId), pageFilter(schedules.id, page)))
    .orderBy(pageOrder(schedules.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export async function updateSchedule(db: Db, tenantId: string, id: string, set: Partial<NewSchedule>) {
  const [row] = await db
    .update(schedules)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(schedules.tenantId, tenantId), eq(schedules.id, id)))
    .returning();
  return row;
}

export async function deleteSchedule(db: Db, tenantId: string, id: string) {
  const rows = await db
    .delete(schedules)
    .where(and(eq(schedules.tenantId, tenantId), eq(schedules.id, id)))
    .returning({ id: schedules.id });
  return rows.length === 1;
}

/** Cron: active schedules with a run due by `until` (every tenant; each row carries its tenant). */
export function dueSchedules(db: Db, until: Date, limit: number) {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.paused, false), lte(schedules.nextRunAt, until)))
    .orderBy(schedules.nextRunAt)
    .limit(limit);
}

/**
 * After an occurrence: move to the next run, only if no overlapping cron run already did (compare-and-set on the
 * run it started from). The occurrence's notifications are deduplicated separately, so losing this race is harmless.
 */
export async function advanceSchedule(
  db: Db,
  s: { tenantId: string; id: string; nextRunAt: Date },
  ran: Date | null,
  next: Date | null,
  error: { code: string; message: string; at: string } | null,
) {
  const rows = await db
    .update(schedules)
    .set({ nextRunAt: next, lastRunAt: ran, lastError: error, updatedAt: new Date() })
    .where(and(eq(schedules.tenantId, s.tenantId), eq(schedules.id, s.id), eq(schedules.nextRunAt, s.nextRunAt)))
    .returning({ id: schedules.id });
  return rows.length === 1;
}
