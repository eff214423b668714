import { newId } from '../../lib/ids';
import type { Db } from '../client';
import { auditLog } from '../schema';

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
    | 'suppression.deleted'
    | 'subscriber.unsubscribed';
  targetType: 'tenant' | 'api_key' | 'provider' | 'suppression' | 'subscriber';
  targetId: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** Unexecuted insert: audit rows are written in the same batch (transaction) as the change they record. */
export const insertAuditEntry = (db: Db, entry: AuditEntry) =>
  db.insert(auditLog).values({ id: newId('aud'), ...entry });
