import type { Db } from '../../db/client';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { ensureHooksToken, setHooksToken } from '../../db/queries/tenants';
import type { Actor } from '../api-keys/manage-keys';
import type { ReceiptProviderId } from './types';

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
  const url = (p: ReceiptProviderId) => `${origin}/hooks/${p}/${token}`;
  return {
    ses: url('ses'),
    sendgrid: url('sendgrid'),
    twilio: url('twilio'),
    postmark: url('postmark'),
    resend: url('resend'),
  };
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
