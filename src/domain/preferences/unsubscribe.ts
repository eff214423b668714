import type { AppContext } from '../../context';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { getPreferences, upsertPreferences } from '../../db/queries/preferences';
import { emittedOf, emitUnsubscribed } from '../../db/queries/webhook-events';
import type { PreferenceSet } from '../../db/schema';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';
import { verifyUnsubscribeToken } from '../subscribers/subscriber-token';

export type UnsubscribeContext = AppContext;

/**
 * One-click unsubscribe (RFC 8058): the signed link names the tenant, subscriber and category; following it turns
 * the category off (or everything, for uncategorised mail). Idempotent: unsubscribing twice changes nothing more
 * (and emits `subscriber.unsubscribed` once).
 */
export async function unsubscribe(ctx: UnsubscribeContext, token: string, requestId: string) {
  const { db, config } = ctx;
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
  const already = claims.category ? current.categories?.[claims.category]?.enabled === false : current.optOut === true;
  const audit = insertAuditEntry(db, {
    tenantId: claims.tenantId,
    actorKeyId: null,
    action: 'subscriber.unsubscribed',
    targetType: 'subscriber',
    targetId: claims.subscriberId,
    requestId,
    details: { category: claims.category },
  });
  // The change, its event (only when something changed) and the audit row commit together.
  const upsert = upsertPreferences(db, claims.tenantId, claims.subscriberId, next);
  if (already) await db.batch([upsert, audit]);
  else {
    const [, , emitted] = await db.batch([
      upsert,
      audit,
      emitUnsubscribed(db, claims.tenantId, claims.subscriberId, claims.category ?? null),
    ]);
    await enqueueEmitted(ctx, emittedOf(emitted));
  }
  return claims;
}
