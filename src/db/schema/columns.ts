import { text, timestamp } from 'drizzle-orm/pg-core';

/** Timestamps are timestamptz, read as Date objects. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** created_at / updated_at shared by every table. */
export const timestamps = {
  createdAt: tstz('created_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
};

/** Every tenant-owned row carries its tenant; queries must filter on it (see db/queries). */
export const tenantId = () => text('tenant_id').notNull();
