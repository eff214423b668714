import type { z } from '@hono/zod-openapi';
import { getPreferences, putPreferences } from '../../../db/queries/preferences';
import { getSubscriber } from '../../../db/queries/subscribers';
import type { PreferenceSet } from '../../../db/schema';
import { notFound } from '../../../errors';
import type { PreferencesResponse, Prefs } from './schema';

/**
 * Reads (or, with `replace`, first writes) a subscriber's preferences and shapes the response; `internalId` is our
 * id for them (what the audit log records, since it keeps no personal data).
 */
export async function preferencesResponse(
  db: Parameters<typeof getSubscriber>[0],
  tenantId: string,
  externalId: string,
  replace?: PreferenceSet,
  /** A subscriber token names one subscriber: a later subscriber reusing the externalId is someone else. */
  expectedSubscriberId?: string,
): Promise<{ response: z.infer<typeof PreferencesResponse>; internalId: string }> {
  const sub = await getSubscriber(db, tenantId, externalId);
  if (!sub || (expectedSubscriberId && sub.id !== expectedSubscriberId)) throw notFound('Subscriber');
  const row = replace
    ? await putPreferences(db, tenantId, sub.id, replace)
    : await getPreferences(db, tenantId, sub.id);
  return {
    response: {
      subscriberId: sub.externalId,
      preferences: (row?.preferences ?? {}) as Prefs,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    },
    internalId: sub.id,
  };
}
