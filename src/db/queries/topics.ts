import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { subscribers, topicSubscribers, topics } from '../schema';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';

export async function insertTopic(db: Db, row: typeof topics.$inferInsert) {
  const [created] = await db.insert(topics).values(row).onConflictDoNothing().returning();
  return created;
}

export async function getTopicByKey(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select()
    .from(topics)
    .where(and(eq(topics.tenantId, tenantId), eq(topics.key, key)));
  return row;
}

const memberCount = sql<number>`(SELECT count(*)::int FROM topic_subscribers ts
  WHERE ts.tenant_id = ${topics.tenantId} AND ts.topic_id = ${topics.id})`;

export async function listTopics(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select({
      id: topics.id,
      key: topics.key,
      name: topics.name,
      createdAt: topics.createdAt,
      subscriberCount: memberCount,
    })
    .from(topics)
    .where(and(eq(topics.tenantId, tenantId), pageFilter(topics.id, page)))
    .orderBy(pageOrder(topics.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export async function countMembers(db: Db, tenantId: string, topicId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(topicSubscribers)
    .where(and(eq(topicSubscribers.tenantId, tenantId), eq(topicSubscribers.topicId, topicId)));
  return Number(row?.n ?? 0);
}

export const deleteTopic = (db: Db, tenantId: string, id: string) =>
  db.delete(topics).where(and(eq(topics.tenantId, tenantId), eq(topics.id, id)));

/**
 * Adds the tenant's subscribers named by external id; returns how many were added and which ids are unknown.
 * One statement whatever the batch size.
 */
export async function addMembers(db: Db, tenantId: string, topicId: string, externalIds: string[]) {
  const result = await db.execute<{ external_id: string; added: boolean | null }>(sql`
    WITH wanted AS (SELECT DISTINCT jsonb_array_elements_text(${JSON.stringify(externalIds)}::jsonb) AS external_id),
    known AS (
      SELECT s.id, s.external_id FROM subscribers s JOIN wanted w ON w.external_id = s.external_id
      WHERE s.tenant_id = ${tenantId}
    ),
    ins AS (
      INSERT INTO topic_subscribers (tenant_id, topic_id, subscriber_id)
      SELECT ${tenantId}, ${topicId}, id FROM known
      ON CONFLICT DO NOTHING
      RETURNING subscriber_id
    )
    SELECT w.external_id, (SELECT true FROM known k JOIN ins ON ins.subscriber_id = k.id
      WHERE k.external_id = w.external_id) AS added,
      EXISTS (SELECT 1 FROM known k WHERE k.external_id = w.external_id) AS known
    FROM wanted w`);
  const rows = result.rows as unknown as { external_id: string; added: boolean | null; known: boolean }[];
  return {
    added: rows.filter((r) => r.added).length,
    unknown: rows.filter((r) => !r.known).map((r) => r.external_id),
  };
}

export async function removeMembers(db: Db, tenantId: string, topicId: string, externalIds: string[]) {
  const result = await db.execute(sql`
    DELETE FROM topic_subscribers ts USING subscribers s
    WHERE ts.tenant_id = ${tenantId} AND ts.topic_id = ${topicId} AND s.id = ts.subscriber_id
      AND s.tenant_id = ${tenantId}
      AND s.external_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(externalIds)}::jsonb))`);
  return (result as unknown as { rowCount?: number }).rowCount ?? 0;
}

/** Members in subscriber-id order after `after` (the fan-out cursor and the members list). */
export function membersAfter(db: Db, tenantId: string, topicId: string, after: string | null, limit: number) {
  return db
    .select({ subscriber: subscribers })
    .from(topicSubscribers)
    .innerJoin(
      subscribers,
      and(eq(subscribers.id, topicSubscribers.subscriberId), eq(subscribers.tenantId, topicSubscribers.tenantId)),
    )
    .where(
      and(
        eq(topicSubscribers.tenantId, tenantId),
        eq(topicSubscribers.topicId, topicId),
        after ? gt(topicSubscribers.subscriberId, after) : undefined,
      ),
    )
    .orderBy(topicSubscribers.subscriberId)
    .limit(limit);
}
