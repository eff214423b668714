import type { Db } from '../../db/client';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { getPreferences, putPreferences } from '../../db/queries/preferences';
import type { PreferenceSet } from '../../db/schema';
import type { AppConfig } from '../../env';
import { verifyUnsubscribeToken } from '../subscribers/subscriber-token';

/**
 * One-click unsubscribe (RFC 8058): the signed link names the tenant, subscriber and category; following it turns
 * the category off (or everything, for uncategorised mail). Idempotent: unsubscribing twice changes nothing more.
 */
export async function unsubscribe(db: Db, config: AppConfig, token: string, requestId: string) {
  const claims = await verifyUnsubscribeToken(db, config, token);
  const current: PreferenceSet = (await getPreferences(db, claims.tenantId, claims.subscriberId))?.preferences ?? {};
  const next: PreferenceSet = claims.category
    ? {
        ...current,
        categories: {
          ...current.categories,
          [claims.category]: { ...current.categories?.[claims.category], enabled: false },
        },
      }
    : { ...current, optOut: true };
  await putPreferences(db, claims.tenantId, claims.subscriberId, next);
  // The webhooks issue turns this audit row into a `subscriber.unsubscribed` event.
  await insertAuditEntry(db, {
    tenantId: claims.tenantId,
    actorKeyId: null,
    action: 'subscriber.unsubscribed',
    targetType: 'subscriber',
    targetId: claims.subscriberId,
    requestId,
    details: { category: claims.category },
  });
  return claims;
}
