import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tenantId, tstz } from './columns';
import { tenants } from './tenants';

/** Append-only trail of security-relevant actions (key lifecycle, signup, …). Never updated. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** The API key that acted; null for unauthenticated actions such as signup. */
    actorKeyId: text('actor_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    requestId: text('request_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_tenant_id_idx').on(t.tenantId, t.id)],
);

export type AuditLogRow = typeof auditLog.$inferSelect;
