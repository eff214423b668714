import { RECEIPT_PROVIDER_IDS, type ReceiptProviderId } from '../../channels/receipts/registry';
import type { Db } from '../../db/client';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { ensureHooksToken, setHooksToken } from '../../db/queries/tenants';
import type { Actor } from '../api-keys/manage-keys';

/** 24 random bytes, base64url: the unguessable part of a tenant's receipt URLs. */
function newHooksToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

/** The URL to give each provider, e.g. `https://api.example.com/hooks/sendgrid/<token>`. */
export function receiptUrls(origin: string, token: string): Record<ReceiptProviderId, string> {
  const entries = RECEIPT_PROVIDER_IDS.map((p) => [p, `${origin}/hooks/${p}/${token}`] as const);
  return Object.fromEntries(entries) as Record<ReceiptProviderId, string>;
}

export const hooksTokenOf = (db: Db, tenantId: string) => ensureHooksToken(db, tenantId, newHooksToken());

/** A new token: the old URLs stop working at once (update them at each provider). */
export async function rotateHooksToken(db: Db, actor: Actor) {
  const token = newHooksToken();
  await db.batch([
    setHooksToken(db, actor.tenantId, token),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'inbound_hooks.token_rotated',
      targetType: 'tenant',
      targetId: actor.tenantId,
      requestId: actor.requestId,
    }),
  ]);
  return token;
}
