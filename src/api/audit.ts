import type { Context } from 'hono';
import { type AuditEntry, insertAuditEntry } from '../db/queries/audit-log';
import { type AppEnv, authOf } from './context';

/**
 * Records a tenant-level change made through a route, after it succeeded. Changes that must be atomic with their
 * audit row write it in their own batch instead (keys, providers, endpoints). Details are summaries, never secrets.
 */
export function audit(
  c: Context<AppEnv>,
  entry: Pick<AuditEntry, 'action' | 'targetType' | 'targetId'> & { details?: Record<string, unknown> },
) {
  const auth = authOf(c);
  return insertAuditEntry(c.var.db, {
    tenantId: auth.tenantId,
    actorKeyId: auth.keyId,
    requestId: c.var.requestId,
    ...entry,
  });
}
