import type { Db } from '../../db/client';
import { expireApiKey, getApiKey, insertApiKey, listActiveAdminKeyIds, revokeApiKey } from '../../db/queries/api-keys';
import { insertAuditEntry } from '../../db/queries/audit-log';
import type { ApiKeyRow } from '../../db/schema';
import { ApiError, notFound } from '../../errors';
import { issueKey, type KeyRequest } from './issue-key';
import { keyStatus } from './key-status';

/** Who is acting, for the audit trail. */
export interface Actor {
  tenantId: string;
  keyId: string | null;
  requestId: string;
}

export async function createKey(db: Db, actor: Actor, req: Omit<KeyRequest, 'tenantId' | 'createdByKeyId'>) {
  const { secret, row } = await issueKey({ ...req, tenantId: actor.tenantId, createdByKeyId: actor.keyId });
  const [[key]] = await db.batch([
    insertApiKey(db, row),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      requestId: actor.requestId,
      details: { name: row.name, mode: row.mode, scopes: row.scopes },
    }),
  ]);
  return { key: key!, secret };
}

/**
 * Replaces a key: the new key has the same name, mode and scopes; the old one keeps working for `graceHours`
 * (so deployments can switch over without an outage) and then fails with `api_key_expired`.
 */
export async function rollKey(db: Db, actor: Actor, keyId: string, graceHours: number) {
  const old = await getApiKey(db, actor.tenantId, keyId);
  if (!old) throw notFound('API key');
  const status = keyStatus(old);
  if (status !== 'active') throw new ApiError('conflict', `API key is ${status} and cannot be rolled`);
  const { secret, row } = await issueKey({
    tenantId: actor.tenantId,
    name: old.name,
    mode: old.mode,
    scopes: old.scopes,
    createdByKeyId: actor.keyId,
  });
  const oldExpiresAt = new Date(Date.now() + graceHours * 3_600_000);
  const [[key], [expired]] = await db.batch([
    insertApiKey(db, row),
    expireApiKey(db, actor.tenantId, keyId, oldExpiresAt),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'api_key.rolled',
      targetType: 'api_key',
      targetId: keyId,
      requestId: actor.requestId,
      details: { newKeyId: row.id, oldExpiresAt: oldExpiresAt.toISOString() },
    }),
  ]);
  return { key: key!, secret, previous: expired as ApiKeyRow };
}

/** Revokes at once. Refuses to revoke the tenant's last active admin key, which would lock the tenant out. */
export async function revokeKey(db: Db, actor: Actor, keyId: string) {
  const key = await getApiKey(db, actor.tenantId, keyId);
  if (!key) throw notFound('API key');
  if (key.revokedAt) return key; // revoking twice is a no-op, not an error
  const admins = await listActiveAdminKeyIds(db, actor.tenantId);
  if (admins.length === 1 && admins[0] === keyId) {
    throw new ApiError('conflict', "Refusing to revoke the tenant's last active admin key; create or roll one first");
  }
  const [[revoked]] = await db.batch([
    revokeApiKey(db, actor.tenantId, keyId, new Date()),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: keyId,
      requestId: actor.requestId,
    }),
  ]);
  return revoked ?? key;
}
