import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { categories, type FrequencyCap, type PreferenceSet, subscriberPreferences } from '../schema';

export async function insertCategory(db: Db, row: typeof categories.$inferInsert) {
  const [created] = await db.insert(categories).values(row).onConflictDoNothing().returning();
  return created;
}

export const listCategories = (db: Db, tenantId: string) =>
  db.select().from(categories).where(eq(categories.tenantId, tenantId)).orderBy(asc(categories.key));

export async function getPreferences(db: Db, tenantId: string, subscriberId: string) {
  const [row] = await db
    .select()
    .from(subscriberPreferences)
    .where(and(eq(subscriberPreferences.tenantId, tenantId), eq(subscriberPreferences.subscriberId, subscriberId)));
  return row;
}

export async function putPreferences(db: Db, tenantId: string, subscriberId: string, preferences: PreferenceSet) {
  const [row] = await upsertPreferences(db, tenantId, subscriberId, preferences);
  return row!;
}

/** Unexecuted, for a `db.batch` with what must commit alongside it. */
export function upsertPreferences(db: Db, tenantId: string, subscriberId: string, preferences: PreferenceSet) {
  const now = new Date();
  return db
    .insert(subscriberPreferences)
    .values({ tenantId, subscriberId, preferences, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [subscriberPreferences.tenantId, subscriberPreferences.subscriberId],
      set: { preferences, updatedAt: now },
    })
    .returning();
}

/** What a consumer batch needs to decide: preferences of its subscribers and the critical categories of its tenants. */
export async function loadPreferenceContext(db: Db, tenantIds: string[], subscriberIds: string[]) {
  const [prefs, critical] = await Promise.all([
    subscriberIds.length
      ? db
          .select()
          .from(subscriberPreferences)
          .where(
            and(
              inArray(subscriberPreferences.tenantId, tenantIds),
              inArray(subscriberPreferences.subscriberId, subscriberIds),
            ),
          )
      : Promise.resolve([]),
    tenantIds.length
      ? db
          .select({
            tenantId: categories.tenantId,
            key: categories.key,
            critical: categories.critical,
            cap: categories.frequencyCap,
          })
          .from(categories)
          .where(inArray(categories.tenantId, tenantIds))
      : Promise.resolve([]),
  ]);
  return {
    preferencesOf: (tenantId: string, subscriberId: string | null) =>
      subscriberId
        ? prefs.find((p) => p.tenantId === tenantId && p.subscriberId === subscriberId)?.preferences
        : undefined,
    isCritical: (tenantId: string, category: string | null) =>
      category !== null && critical.some((c) => c.tenantId === tenantId && c.key === category && c.critical),
    /** The cap that applies: the subscriber's override, else the category's; none for critical categories. */
    capOf: (tenantId: string, subscriberId: string | null, category: string | null): FrequencyCap | null => {
      if (!category) return null;
      const cat = critical.find((c) => c.tenantId === tenantId && c.key === category);
      if (cat?.critical) return null;
      const own = subscriberId
        ? prefs.find((p) => p.tenantId === tenantId && p.subscriberId === subscriberId)?.preferences.frequencyCaps?.[
            category
          ]
        : undefined;
      if (own) return { ...own, onExceed: cat?.cap?.onExceed ?? 'suppress' };
      return cat?.cap ?? null;
    },
  };
}
