import { and, eq, gte, lt } from 'drizzle-orm';
import { newId } from '../../lib/ids';
import type { Db } from '../client';
import { auditLog } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export interface AuditEntry {
  tenantId: string;
  actorKeyId: string | null;
  action:
    | 'tenant.created'
    | 'api_key.created'
    | 'api_key.rolled'
    | 'api_key.revoked'
    | 'provider.created'
    | 'provider.updated'
    | 'provider.deleted'
    | 'provider.secret_rotated'
    | 'suppression.deleted'
    | 'subscriber.unsubscribed'
    | 'webhook_endpoint.created'
    | 'webhook_endpoint.updated'
    | 'webhook_endpoint.deleted'
    | 'webhook_endpoint.secret_rotated'
    | 'webhook_endpoint.replayed'
    | 'inbound_hooks.token_rotated'
    | 'template.created'
    | 'template.updated'
    | 'template.published'
    | 'template.deleted'
    | 'workflow.created'
    | 'workflow.updated'
    | 'workflow.published'
    | 'workflow.deleted'
    | 'preferences.updated'
    | 'category.created'
    | 'usage_settings.updated'
    | 'subscriber.erased'
    | 'retention_settings.updated';
  targetType:
    | 'tenant'
    | 'api_key'
    | 'provider'
    | 'suppression'
    | 'subscriber'
    | 'webhook_endpoint'
    | 'template'
    | 'workflow'
    | 'category';
  targetId: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** Unexecuted insert: audit rows are written in the same batch (transaction) as the change they record. */
export const insertAuditEntry = (db: Db, entry: AuditEntry) =>
  db.insert(auditLog).values({ id: newId('aud'), ...entry });

export interface AuditQuery extends PageRequest {
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  actorKeyId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A page of the tenant's audit trail, newest first. */
export async function listAuditEntries(db: Db, tenantId: string, q: AuditQuery) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.targetType ? eq(auditLog.targetType, q.targetType) : undefined,
        q.targetId ? eq(auditLog.targetId, q.targetId) : undefined,
        q.actorKeyId ? eq(auditLog.actorKeyId, q.actorKeyId) : undefined,
        q.from ? gte(auditLog.createdAt, q.from) : undefined,
        q.to ? lt(auditLog.createdAt, q.to) : undefined,
        pageFilter(auditLog.id, q),
      ),
    )
    .orderBy(pageOrder(auditLog.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}
