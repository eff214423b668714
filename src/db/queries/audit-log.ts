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
    | 'subscriber.unsubscribed'
    | 'webhook_endpoint.created'
    | 'webhook_endpoint.updated'
    | 'webhook_endpoint.deleted'
    | 'webhook_endpoint.secret_rotated'
    | 'webhook_endpoint.replayed'
    | 'inbound_hooks.token_rotated';
  targetType: 'tenant' | 'api_key' | 'provider' | 'suppression' | 'subscriber' | 'webhook_endpoint';
  targetId: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/** Unexecuted insert: audit rows are written in the same batch (transaction) as the change they record. */
export const insertAuditEntry = (db: Db, entry: AuditEntry) =>
  db.insert(auditLog).values({ id: newId('aud'), ...entry });
