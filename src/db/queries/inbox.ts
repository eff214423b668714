import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { InboxMessageRow } from '../schema';
import { type PageRequest, toPage } from './pagination';

/**
 * Inbox queries. Every change to a subscriber's inbox runs as one transaction that first bumps
 * `inbox_state.seq` (taking that row's lock, so one subscriber's changes commit in seq order), then changes the
 * messages, then counts in a later statement — which, under READ COMMITTED, sees every change up to this seq.
 */

export interface InboxCounts {
  unread: number;
  unseen: number;
}

export const INBOX_FILTERS = ['all', 'unread', 'unseen', 'read', 'archived'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

export const MARK_STATES = ['seen', 'read', 'archived', 'unseen', 'unread', 'unarchived'] as const;
export type MarkState = (typeof MARK_STATES)[number];

/** The flags a mark sets, as they read after it (read implies seen). */
export const MARK_CHANGES: Record<MarkState, { seen?: boolean; read?: boolean; archived?: boolean }> = {
  seen: { seen: true },
  read: { seen: true, read: true },
  archived: { archived: true },
  unseen: { seen: false },
  unread: { read: false },
  unarchived: { archived: false },
};

const countsSql = (tenantId: string, subscriberId: string) => sql`
  SELECT count(*) FILTER (WHERE read_at IS NULL) AS unread, count(*) FILTER (WHERE seen_at IS NULL) AS unseen
  FROM inbox_messages
  WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId} AND archived_at IS NULL`;

type CountsRow = { unread: string | number; unseen: string | number };
const toCounts = (row: CountsRow | undefined): InboxCounts => ({
  unread: Number(row?.unread ?? 0),
  unseen: Number(row?.unseen ?? 0),
});

/** Nothing for a subscriber that no longer exists (a token outlives its subscriber): the caller answers 404. */
const bumpSeq = (tenantId: string, subscriberId: string) => sql`
  INSERT INTO inbox_state (tenant_id, subscriber_id, seq)
  SELECT ${tenantId}, ${subscriberId}, 1 WHERE ${subscriberExists(tenantId, subscriberId)}
  ON CONFLICT (tenant_id, subscriber_id) DO UPDATE SET seq = inbox_state.seq + EXCLUDED.seq
  RETURNING seq`;

const subscriberExists = (tenantId: string, subscriberId: string) =>
  sql`EXISTS (SELECT 1 FROM subscribers WHERE tenant_id = ${tenantId} AND id = ${subscriberId})`;

/** A message to store for an `in_app` delivery that was just marked sent. */
export interface InboxInsert {
  id: string;
  tenantId: string;
  subscriberId: string;
  notificationId: string;
  title: string | null;
  body: string | null;
  actionUrl: string | null;
  data: Record<string, unknown> | null;
  category: string | null;
}

/** What one subscriber's inbox gained in a batch, for the Inbox object to relay. */
export interface InboxAppended {
  tenantId: string;
  subscriberId: string;
  messages: InboxMessageRow[];
  /** The stream position after these messages, and the counts at exactly that position. */
  seq: number;
  counts: InboxCounts;
}

/**
 * Statements that store the messages of `in_app` deliveries, for the caller's transaction (recordOutcomes), placed
 * after the status update: only deliveries that are now `sent` and not stored yet are written, so a redelivered
 * outcome writes nothing. Returns the statements and a reader of their results.
 */
export function appendInboxStatements(db: Db, items: InboxInsert[]) {
  const rows = JSON.stringify(items);
  const fresh = sql`
    SELECT x.* FROM jsonb_to_recordset(${rows}::jsonb) AS x(id text, "tenantId" text, "subscriberId" text,
      "notificationId" text, title text, body text, "actionUrl" text, data jsonb, category text)
    JOIN deliveries d ON d.id = x.id AND d.tenant_id = x."tenantId" AND d.status = 'sent'
    -- A subscriber deleted since the send has no inbox any more; without this join the foreign key would fail the
    -- whole batch's transaction, again on every retry.
    JOIN subscribers s ON s.id = x."subscriberId" AND s.tenant_id = x."tenantId"
    WHERE NOT EXISTS (SELECT 1 FROM inbox_messages m WHERE m.id = x.id)`;
  const subscribers = [...new Map(items.map((i) => [`${i.tenantId}:${i.subscriberId}`, i])).values()].map((i) => ({
    tenantId: i.tenantId,
    subscriberId: i.subscriberId,
  }));
  const statements = [
    // 1. One bump per subscriber by the number of new messages: takes the locks, in a fixed order (no deadlocks).
    db.execute(sql`
      INSERT INTO inbox_state (tenant_id, subscriber_id, seq)
      SELECT "tenantId", "subscriberId", count(*) FROM (${fresh}) f GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (tenant_id, subscriber_id) DO UPDATE SET seq = inbox_state.seq + EXCLUDED.seq`),
    // 2. The messages, numbered up to the new seq (the same rows as above: nobody else can write these ids).
    db.execute(sql`
      INSERT INTO inbox_messages (id, tenant_id, subscriber_id, notification_id, title, body, action_url, data,
        category, seq, updated_seq)
      SELECT n.id, n."tenantId", n."subscriberId", n."notificationId", n.title, n.body, n."actionUrl", n.data,
        n.category, n.seq, n.seq
      FROM (
        SELECT f.*, s.seq - count(*) OVER w + row_number() OVER (w ORDER BY f.id) AS seq
        FROM (${fresh}) f
        JOIN inbox_state s ON s.tenant_id = f."tenantId" AND s.subscriber_id = f."subscriberId"
        WINDOW w AS (PARTITION BY f."tenantId", f."subscriberId")
      ) n
      RETURNING *`),
    // 3. Seq and counts per subscriber, after the inserts.
    db.execute(sql`
      SELECT s.tenant_id, s.subscriber_id, s.seq,
        (SELECT count(*) FROM inbox_messages m WHERE m.tenant_id = s.tenant_id AND m.subscriber_id = s.subscriber_id
          AND m.archived_at IS NULL AND m.read_at IS NULL) AS unread,
        (SELECT count(*) FROM inbox_messages m WHERE m.tenant_id = s.tenant_id AND m.subscriber_id = s.subscriber_id
          AND m.archived_at IS NULL AND m.seen_at IS NULL) AS unseen
      FROM inbox_state s
      JOIN jsonb_to_recordset(${JSON.stringify(subscribers)}::jsonb) AS x("tenantId" text, "subscriberId" text)
        ON s.tenant_id = x."tenantId" AND s.subscriber_id = x."subscriberId"`),
  ] as const;
  const read = (inserted: { rows: unknown[] }, state: { rows: unknown[] }): InboxAppended[] => {
    const messages = (inserted.rows as RawMessage[]).map(fromRaw);
    return (state.rows as (CountsRow & { tenant_id: string; subscriber_id: string; seq: string })[])
      .map((s) => ({
        tenantId: s.tenant_id,
        subscriberId: s.subscriber_id,
        seq: Number(s.seq),
        counts: toCounts(s),
        messages: messages
          .filter((m) => m.tenantId === s.tenant_id && m.subscriberId === s.subscriber_id)
          .sort((a, b) => a.seq - b.seq),
      }))
      .filter((s) => s.messages.length > 0);
  };
  return { statements, read };
}

type RawMessage = {
  id: string;
  tenant_id: string;
  subscriber_id: string;
  notification_id: string;
  title: string | null;
  body: string | null;
  action_url: string | null;
  data: Record<string, unknown> | null;
  category: string | null;
  seq: string | number;
  updated_seq: string | number;
  seen_at: string | null;
  read_at: string | null;
  archived_at: string | null;
  created_at: string;
};

const date = (v: string | null) => (v === null ? null : new Date(v));

/** Raw `db.execute` rows (snake_case, timestamps as text) → the drizzle row shape. */
function fromRaw(r: RawMessage): InboxMessageRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    subscriberId: r.subscriber_id,
    notificationId: r.notification_id,
    title: r.title,
    body: r.body,
    actionUrl: r.action_url,
    data: r.data,
    category: r.category,
    seq: Number(r.seq),
    updatedSeq: Number(r.updated_seq),
    seenAt: date(r.seen_at),
    readAt: date(r.read_at),
    archivedAt: date(r.archived_at),
    createdAt: new Date(r.created_at),
  };
}

export interface MarkResult {
  seq: number;
  ids: string[];
  counts: InboxCounts;
}

/** Sets or clears one flag on some (or all) of a subscriber's messages. Ids of anyone else match nothing. */
export async function markInbox(
  db: Db,
  tenantId: string,
  subscriberId: string,
  target: { ids: string[] } | { all: true },
  state: MarkState,
): Promise<MarkResult | null> {
  const which =
    'ids' in target ? sql`AND id IN (SELECT jsonb_array_elements_text(${JSON.stringify(target.ids)}::jsonb))` : sql``;
  const current = sql`(SELECT seq FROM inbox_state WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId})`;
  const change: Record<MarkState, SQL> = {
    seen: sql`seen_at = now() WHERE seen_at IS NULL`,
    read: sql`read_at = now(), seen_at = COALESCE(seen_at, now()) WHERE read_at IS NULL`,
    archived: sql`archived_at = now() WHERE archived_at IS NULL`,
    unseen: sql`seen_at = NULL WHERE seen_at IS NOT NULL`,
    unread: sql`read_at = NULL WHERE read_at IS NOT NULL`,
    unarchived: sql`archived_at = NULL WHERE archived_at IS NOT NULL`,
  };
  const [bumped, updated, counts] = await db.batch([
    db.execute<{ seq: string }>(bumpSeq(tenantId, subscriberId)),
    db.execute<{ id: string }>(sql`
      UPDATE inbox_messages SET updated_seq = ${current}, ${change[state]}
        AND tenant_id = ${tenantId} AND subscriber_id = ${subscriberId} ${which}
      RETURNING id`),
    db.execute<CountsRow>(countsSql(tenantId, subscriberId)),
  ]);
  if (!bumped.rows[0]) return null;
  return {
    seq: Number(bumped.rows[0].seq),
    ids: updated.rows.map((r) => r.id),
    counts: toCounts(counts.rows[0]),
  };
}

/** The current stream position and counts, read in one snapshot; null when the subscriber no longer exists. */
export async function inboxStatus(db: Db, tenantId: string, subscriberId: string) {
  const result = await db.execute<CountsRow & { seq: string | null; exists: boolean }>(sql`
    SELECT c.unread, c.unseen, ${subscriberExists(tenantId, subscriberId)} AS exists,
      (SELECT seq FROM inbox_state WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId}) AS seq
    FROM (${countsSql(tenantId, subscriberId)}) c`);
  const row = result.rows[0];
  if (!row?.exists) return null;
  return { seq: Number(row.seq ?? 0), counts: toCounts(row) };
}

/**
 * Changes after `since`, oldest first (each message once, in its current state, at its latest seq), with the
 * stream position and counts of the same snapshot. `more` = the page was full; ask again from the last seq.
 */
export async function inboxChangesSince(db: Db, tenantId: string, subscriberId: string, since: number, limit = 500) {
  const result = await db.execute<CountsRow & { seq: string | null; rows: RawMessage[] }>(sql`
    WITH page AS (
      SELECT * FROM inbox_messages
      WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId} AND updated_seq > ${since}
      ORDER BY updated_seq LIMIT ${limit})
    SELECT c.unread, c.unseen,
      (SELECT seq FROM inbox_state WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId}) AS seq,
      COALESCE((SELECT json_agg(page ORDER BY updated_seq) FROM page), '[]'::json) AS rows
    FROM (${countsSql(tenantId, subscriberId)}) c`);
  const row = result.rows[0]!;
  const messages = row.rows.map(fromRaw);
  return { seq: Number(row.seq ?? 0), counts: toCounts(row), messages, more: messages.length === limit };
}

const FILTERS: Record<InboxFilter, SQL> = {
  all: sql`archived_at IS NULL`,
  unread: sql`archived_at IS NULL AND read_at IS NULL`,
  unseen: sql`archived_at IS NULL AND seen_at IS NULL`,
  read: sql`archived_at IS NULL AND read_at IS NOT NULL`,
  archived: sql`archived_at IS NOT NULL`,
};

/**
 * A page of the feed, newest first, and the stream position to connect the socket from — one statement, so the
 * position is exactly that of the page: the socket then sends every later change once.
 */
export async function listInbox(
  db: Db,
  tenantId: string,
  subscriberId: string,
  query: PageRequest & { status: InboxFilter; category?: string | undefined },
) {
  const result = await db.execute<{ seq: string | null; rows: RawMessage[]; exists: boolean }>(sql`
    WITH page AS (
      SELECT * FROM inbox_messages
      WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId} AND ${FILTERS[query.status]}
        ${query.category ? sql`AND category = ${query.category}` : sql``}
        ${query.after ? sql`AND id < ${query.after}` : sql``}
      ORDER BY id DESC LIMIT ${query.limit + 1})
    SELECT (SELECT seq FROM inbox_state WHERE tenant_id = ${tenantId} AND subscriber_id = ${subscriberId}) AS seq,
      ${subscriberExists(tenantId, subscriberId)} AS exists,
      COALESCE((SELECT json_agg(page ORDER BY id DESC) FROM page), '[]'::json) AS rows`);
  const row = result.rows[0]!;
  if (!row.exists) return null;
  return { ...toPage(row.rows.map(fromRaw), query.limit), seq: Number(row.seq ?? 0) };
}
