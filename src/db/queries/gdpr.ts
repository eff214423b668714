import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import {
  auditLog,
  deliveries,
  deliveryAttempts,
  inboxMessages,
  notifications,
  sandboxMessages,
  subscriberPreferences,
  suppressions,
  topicSubscribers,
  topics,
  webhookAttempts,
  webhookEvents,
} from '../schema';
import { textArray } from '../sql-arrays';
import type { insertAuditEntry } from './audit-log';

/**
 * Everything the GDPR export and erasure (docs/operations.md#gdpr-export-and-erasure) read and write. Every
 * statement is scoped by tenant. The subject is found by what the rows hold about them: their subscriber id, their
 * externalId as a delivery's recipient, and every address they have or had.
 */

/** What an erased value becomes: a visible marker rather than an empty string, so readers know why. */
export const ERASED = '[erased]';

export interface Subject {
  tenantId: string;
  externalId: string;
  /** The subscriber's internal id: from its row, or from earlier deliveries after a plain DELETE. */
  subscriberId: string | null;
  /** Their personal addresses as deliveries and suppressions store them: email, phone, `fcm:<token>`, …. */
  addresses: string[];
  /** Literal strings scrubbed from free text and JSON, longest first; case-insensitive. */
  needles: string[];
}

/** A text[] parameter (a bare JS array in drizzle's `sql` would become a list of parameters). */

/** LIKE patterns (lower case) for a cheap pre-filter before the row-by-row redaction. */
const likePatterns = (needles: string[]) =>
  textArray(needles.map((n) => `%${n.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`));

/** Deliveries about the subject, as a condition on alias `d`; already erased rows never match again. */
function aboutSubject(s: Subject, d = 'd'): SQL {
  const col = (name: string) => sql.raw(`${d}.${name}`);
  return sql`(${col('tenant_id')} = ${s.tenantId} AND ${col('recipient')} <> ${ERASED}
    AND (${col('subscriber_id')} = ${s.subscriberId} OR ${col('recipient')} = ${s.externalId}
      OR ${col('address')} = ANY(${textArray(s.addresses)})))`;
}

/** The `sha256:` form a suppression is kept under after its address was erased (suppressions.ts matches it). */
export const hashedAddress = (tenantId: SQL | string, address: SQL) =>
  sql`'sha256:' || encode(sha256(convert_to(${tenantId}::text || ':' || ${address}, 'UTF8')), 'hex')`;

/** Distinct (channel, address) and subscriber ids of deliveries sent under the externalId or subscriber id. */
export async function pastAddresses(db: Db, tenantId: string, externalId: string, subscriberId: string | null) {
  const result = await db.execute<{ channel: string; address: string; subscriber_id: string | null }>(sql`
    SELECT DISTINCT channel, address, subscriber_id FROM deliveries
    WHERE tenant_id = ${tenantId} AND recipient <> ${ERASED}
      AND (subscriber_id = ${subscriberId} OR recipient = ${externalId})`);
  return result.rows;
}

// ── Export ────────────────────────────────────────────────────────────────────────────────────────────────

/** The subject's deliveries, newest first; `limit + 1` rows so the caller can tell the export was cut. */
export function subjectDeliveries(db: Db, s: Subject, limit: number) {
  return db
    .select()
    .from(deliveries)
    .where(aboutSubject(s, 'deliveries'))
    .orderBy(desc(deliveries.id))
    .limit(limit + 1);
}

/** Everything else the export holds, in one transaction (a consistent snapshot). */
export async function subjectRecords(db: Db, s: Subject, deliveryIds: string[], notificationIds: string[]) {
  const t = s.tenantId;
  const dids = textArray(deliveryIds);
  const nids = textArray(notificationIds);
  const [notificationRows, attempts, sandbox, inbox, preferences, memberships, suppressed, events, audit, shared] =
    await db.batch([
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.tenantId, t), sql`${notifications.id} = ANY(${nids})`))
        .orderBy(desc(notifications.id)),
      db
        .select()
        .from(deliveryAttempts)
        .where(and(eq(deliveryAttempts.tenantId, t), sql`${deliveryAttempts.deliveryId} = ANY(${dids})`))
        .orderBy(asc(deliveryAttempts.startedAt), asc(deliveryAttempts.attemptNo)),
      db
        .select()
        .from(sandboxMessages)
        .where(
          and(
            eq(sandboxMessages.tenantId, t),
            sql`(${sandboxMessages.deliveryId} = ANY(${dids}) OR ${sandboxMessages.recipient} = ${s.externalId}
              OR ${sandboxMessages.address} = ANY(${textArray(s.addresses)}))`,
          ),
        )
        .orderBy(desc(sandboxMessages.id)),
      db
        .select()
        .from(inboxMessages)
        .where(and(eq(inboxMessages.tenantId, t), eq(inboxMessages.subscriberId, s.subscriberId ?? '')))
        .orderBy(desc(inboxMessages.id)),
      db
        .select()
        .from(subscriberPreferences)
        .where(
          and(eq(subscriberPreferences.tenantId, t), eq(subscriberPreferences.subscriberId, s.subscriberId ?? '')),
        ),
      db
        .select({ key: topics.key, name: topics.name, addedAt: topicSubscribers.createdAt })
        .from(topicSubscribers)
        .innerJoin(topics, and(eq(topics.id, topicSubscribers.topicId), eq(topics.tenantId, t)))
        .where(and(eq(topicSubscribers.tenantId, t), eq(topicSubscribers.subscriberId, s.subscriberId ?? '')))
        .orderBy(asc(topics.key)),
      db
        .select()
        .from(suppressions)
        .where(
          and(
            eq(suppressions.tenantId, t),
            sql`(${suppressions.address} = ANY(${textArray(s.addresses)}) OR ${suppressions.address} IN (
              SELECT ${hashedAddress(t, sql`a`)} FROM unnest(${textArray(s.addresses)}) AS a))`,
          ),
        ),
      db
        .select()
        .from(webhookEvents)
        .where(
          and(
            eq(webhookEvents.tenantId, t),
            sql`(${webhookEvents.data}->>'deliveryId' = ANY(${dids})
              OR (${webhookEvents.type} = 'notification.accepted' AND ${webhookEvents.data}->>'notificationId' = ANY(${nids}))
              OR (${webhookEvents.type} = 'subscriber.unsubscribed' AND ${webhookEvents.data}->>'subscriberId' = ${s.externalId}))`,
          ),
        )
        .orderBy(asc(webhookEvents.createdAt)),
      db
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.tenantId, t),
            sql`((${auditLog.targetType} = 'subscriber' AND ${auditLog.targetId} = ${s.subscriberId ?? ''})
              OR (${auditLog.action} = 'suppression.deleted'
                AND substr(${auditLog.targetId}, position(':' in ${auditLog.targetId}) + 1) = ANY(${textArray(s.addresses)})))`,
          ),
        )
        .orderBy(asc(auditLog.id)),
      // Notifications that also went to someone else: their content is shared, not only this person's.
      db.execute<{ notification_id: string }>(sql`
        SELECT DISTINCT d.notification_id FROM deliveries d
        WHERE d.tenant_id = ${t} AND d.notification_id = ANY(${nids}) AND NOT ${aboutSubject(s)}
          AND d.recipient <> ${ERASED}`),
    ]);
  return {
    notifications: notificationRows,
    attempts,
    sandbox,
    inbox,
    preferences: preferences[0]?.preferences ?? null,
    topics: memberships,
    suppressions: suppressed,
    events,
    audit,
    shared: new Set(shared.rows.map((r) => r.notification_id)),
  };
}

/** The delivery attempts of the given webhook events. */
export function webhookAttemptsOf(db: Db, tenantId: string, eventIds: string[]) {
  return db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.tenantId, tenantId), sql`${webhookAttempts.eventId} = ANY(${textArray(eventIds)})`))
    .orderBy(asc(webhookAttempts.startedAt));
}

// ── Erasure ───────────────────────────────────────────────────────────────────────────────────────────────

/** The next chunk of the subject's deliveries still holding their data. */
export async function nextErasureChunk(db: Db, s: Subject, limit: number) {
  const result = await db.execute<{ id: string; notificationId: string }>(sql`
    SELECT d.id, d.notification_id AS "notificationId" FROM deliveries d
    WHERE ${aboutSubject(s)} ORDER BY d.id LIMIT ${limit}`);
  return result.rows;
}

export interface ChunkCounts {
  canceled: number;
  notificationsWiped: number;
  notificationsRedacted: number;
  events: number;
}

/**
 * Erases one chunk of deliveries and what hangs off them, in one transaction. The delivery rows themselves go last
 * (the other statements find their rows through them) and keep channel, status, provider, timestamps, cost and
 * engagement counts, so usage roll-ups and analytics totals do not change. A notification is wiped when nobody
 * else (not erased) received it; otherwise its shared bodies are scrubbed of the subject's literal identifiers.
 */
export async function eraseChunk(db: Db, s: Subject, ids: string[], notificationIds: string[]): Promise<ChunkCounts> {
  const t = s.tenantId;
  const dids = textArray(ids);
  const nids = textArray(notificationIds);
  const needles = textArray(s.needles);
  // Someone else (not erased, not this subject) received notification `n`.
  const sharedWithOthers = (n: string) => sql`EXISTS (SELECT 1 FROM deliveries o
    WHERE o.tenant_id = ${t} AND o.notification_id = ${sql.raw(n)} AND o.recipient <> ${ERASED}
      AND NOT (o.id = ANY(${dids})) AND NOT ${aboutSubject(s, 'o')})`;
  const [canceled, , , , events, , notes] = await db.batch([
    // Never send to someone erased; canceled deliveries count as accepted only, as before.
    db.execute(sql`UPDATE deliveries SET status = 'canceled', updated_at = now()
      WHERE tenant_id = ${t} AND id = ANY(${dids}) AND status = 'queued'`),
    // Provider answers often quote the address ("550 <ada@…>: no such user").
    db.execute(sql`UPDATE delivery_attempts SET error_message = NULL
      WHERE tenant_id = ${t} AND delivery_id = ANY(${dids}) AND error_message IS NOT NULL`),
    db.execute(sql`DELETE FROM sandbox_messages WHERE tenant_id = ${t} AND delivery_id = ANY(${dids})`),
    db.execute(sql`DELETE FROM inbox_messages WHERE tenant_id = ${t} AND id = ANY(${dids})`),
    // Events of these deliveries and notifications, and what endpoints answered to them (a receiver may echo).
    db.execute(sql`
      WITH ev AS (
        UPDATE webhook_events e SET data = nk_redact_jsonb(
          CASE WHEN e.data->>'deliveryId' = ANY(${dids}) THEN e.data || jsonb_build_object('recipient', ${ERASED}::text)
            || CASE WHEN jsonb_typeof(e.data->'error') = 'object'
                 THEN jsonb_build_object('error', jsonb_build_object('code', e.data->'error'->'code', 'message', ${ERASED}::text))
                 ELSE '{}'::jsonb END
            || CASE WHEN e.data ? 'url' THEN jsonb_build_object('url', NULL) ELSE '{}'::jsonb END
          ELSE e.data END
          || CASE WHEN e.data ? 'metadata' AND NOT ${sharedWithOthers(`(e.data->>'notificationId')`)}
               THEN '{"metadata":{}}'::jsonb ELSE '{}'::jsonb END,
          ${needles})
        WHERE e.tenant_id = ${t}
          AND (e.data->>'deliveryId' = ANY(${dids}) OR e.data->>'notificationId' = ANY(${nids}))
        RETURNING e.id
      ),
      att AS (
        UPDATE webhook_attempts a SET response_snippet = NULL
        WHERE a.tenant_id = ${t} AND a.event_id IN (SELECT id FROM ev) AND a.response_snippet IS NOT NULL
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM att)::int AS attempts`),
    // Receipt keys that embed the provider's message id (src/domain/receipts: Twilio `sid:status`, Postmark
    // `type:MessageID:…`); the others are the provider's own event ids and say nothing about the message.
    db.execute(sql`
      DELETE FROM provider_receipts r
      WHERE r.tenant_id = ${t} AND r.provider IN ('twilio', 'postmark')
        AND (CASE r.provider WHEN 'twilio' THEN split_part(r.event_key, ':', 1) ELSE split_part(r.event_key, ':', 2) END)
          IN (SELECT provider_message_id FROM deliveries
              WHERE tenant_id = ${t} AND id = ANY(${dids}) AND provider_message_id IS NOT NULL)`),
    db.execute(sql`
      WITH n AS (
        SELECT n.id, NOT ${sharedWithOthers('n.id')} AS only_them
        FROM notifications n WHERE n.tenant_id = ${t} AND n.id = ANY(${nids})
      )
      UPDATE notifications x SET
        content = CASE WHEN n.only_them THEN '{}'::jsonb ELSE nk_redact_jsonb(x.content, ${needles}) END,
        data = CASE WHEN n.only_them THEN NULL ELSE nk_redact_jsonb(x.data, ${needles}) END,
        metadata = CASE WHEN n.only_them THEN NULL ELSE nk_redact_jsonb(x.metadata, ${needles}) END,
        purged_at = CASE WHEN n.only_them THEN COALESCE(x.purged_at, now()) ELSE x.purged_at END,
        updated_at = now()
      FROM n WHERE x.tenant_id = ${t} AND x.id = n.id
      RETURNING n.only_them`),
    db.execute(sql`
      UPDATE deliveries SET recipient = ${ERASED}, address = '', subscriber_id = NULL,
        last_error = CASE WHEN last_error IS NULL THEN NULL
          ELSE jsonb_build_object('code', last_error->>'code', 'message', ${ERASED}::text) END,
        links = NULL, fallback = NULL, provider_message_id = NULL, updated_at = now()
      WHERE tenant_id = ${t} AND id = ANY(${dids})`),
  ]);
  const wiped = (notes.rows as { only_them: boolean }[]).filter((r) => r.only_them).length;
  return {
    canceled: canceled.rowCount ?? 0,
    notificationsWiped: wiped,
    notificationsRedacted: notes.rows.length - wiped,
    events: (events.rows[0] as { events: number } | undefined)?.events ?? 0,
  };
}

/**
 * The subject-level part, after every delivery chunk: suppressions kept only as hashes, audit rows and stored
 * requests scrubbed, schedules that were only for them deleted, idempotency records that replay their data
 * dropped, the subscriber row deleted (its preferences, topic memberships, inbox state go with it by cascade),
 * and the erasure's own audit row. One transaction.
 */
export async function eraseSubjectRecords(db: Db, s: Subject, audit: ReturnType<typeof insertAuditEntry>) {
  const t = s.tenantId;
  const addrs = textArray(s.addresses);
  const needles = textArray(s.needles);
  const likes = likePatterns(s.needles);
  const mentions = (expr: SQL) => sql`lower(${expr}) LIKE ANY(${likes})`;
  await db.batch([
    // Kept so a bounced or complaining address is not mailed again if the tenant re-adds the person.
    db.execute(sql`
      WITH gone AS (DELETE FROM suppressions WHERE tenant_id = ${t} AND address = ANY(${addrs}) RETURNING *)
      INSERT INTO suppressions (tenant_id, channel, address, reason, provider, delivery_id, created_at)
      SELECT tenant_id, channel, ${hashedAddress(sql`tenant_id`, sql`address`)}, reason, provider, NULL, created_at
      FROM gone ON CONFLICT DO NOTHING`),
    db.execute(sql`
      UPDATE audit_log SET target_id = split_part(target_id, ':', 1) || ':'
        || ${hashedAddress(sql`tenant_id`, sql`substr(target_id, position(':' in target_id) + 1)`)}
      WHERE tenant_id = ${t} AND action = 'suppression.deleted'
        AND substr(target_id, position(':' in target_id) + 1) = ANY(${addrs})`),
    db.execute(sql`
      UPDATE audit_log SET target_id = nk_redact_text(target_id, ${needles}), details = nk_redact_jsonb(details, ${needles})
      WHERE tenant_id = ${t} AND (${mentions(sql`target_id`)} OR ${mentions(sql`COALESCE(details::text, '')`)})`),
    // A schedule's recipients: the subject leaves the list; a schedule that was only for them goes.
    db.execute(sql`
      WITH hit AS (
        SELECT s.id, (
          SELECT COALESCE(jsonb_agg(e.v ORDER BY e.i), '[]'::jsonb)
          FROM jsonb_array_elements(s.request->'to') WITH ORDINALITY AS e(v, i)
          WHERE NOT ((jsonb_typeof(e.v) = 'string' AND e.v #>> '{}' = ${s.externalId})
            OR (jsonb_typeof(e.v) = 'object' AND (e.v->>'email' = ANY(${addrs}) OR e.v->>'phone' = ANY(${addrs})
              OR e.v->>'webhookUrl' = ANY(${addrs}))))
        ) AS rest
        FROM schedules s WHERE s.tenant_id = ${t} AND jsonb_typeof(s.request->'to') = 'array'
      ),
      gone AS (
        DELETE FROM schedules s USING hit
        WHERE s.tenant_id = ${t} AND s.id = hit.id AND hit.rest = '[]'::jsonb RETURNING s.id
      )
      UPDATE schedules s SET request = jsonb_set(s.request, '{to}', hit.rest), updated_at = now() FROM hit
      WHERE s.tenant_id = ${t} AND s.id = hit.id AND hit.rest <> '[]'::jsonb
        AND jsonb_array_length(hit.rest) < jsonb_array_length(s.request->'to')`),
    db.execute(sql`
      UPDATE schedules SET name = nk_redact_text(name, ${needles}), request = nk_redact_jsonb(request, ${needles}),
        last_error = nk_redact_jsonb(last_error, ${needles})
      WHERE tenant_id = ${t}
        AND ${mentions(sql`concat_ws(' ', name, request::text, last_error::text)`)}`),
    db.execute(sql`
      UPDATE broadcasts SET request = nk_redact_jsonb(request, ${needles}), error = nk_redact_jsonb(error, ${needles})
      WHERE tenant_id = ${t} AND (${mentions(sql`request::text`)} OR ${mentions(sql`COALESCE(error::text, '')`)})`),
    // A replayed response would hand their data out again; the records expire within 24 h anyway.
    db.execute(sql`
      DELETE FROM idempotency_keys
      WHERE tenant_id = ${t} AND (${mentions(sql`key`)} OR ${mentions(sql`COALESCE(response_body, '')`)})`),
    // Whatever still names them: events not tied to their deliveries (subscriber.unsubscribed, …), answers from
    // receivers, test-mode and inbox copies of messages that went to others.
    db.execute(sql`
      WITH ev AS (
        UPDATE webhook_events SET data = nk_redact_jsonb(data, ${needles})
        WHERE tenant_id = ${t} AND ${mentions(sql`data::text`)} RETURNING id
      )
      UPDATE webhook_attempts SET response_snippet = NULL
      WHERE tenant_id = ${t} AND response_snippet IS NOT NULL
        AND (event_id IN (SELECT id FROM ev) OR ${mentions(sql`response_snippet`)})`),
    db.execute(sql`
      DELETE FROM sandbox_messages
      WHERE tenant_id = ${t} AND (recipient = ${s.externalId} OR address = ANY(${addrs}))`),
    db.execute(sql`
      UPDATE sandbox_messages SET message = nk_redact_jsonb(message, ${needles})
      WHERE tenant_id = ${t} AND ${mentions(sql`message::text`)}`),
    db.execute(sql`
      UPDATE inbox_messages SET title = nk_redact_text(title, ${needles}), body = nk_redact_text(body, ${needles}),
        action_url = nk_redact_text(action_url, ${needles}), data = nk_redact_jsonb(data, ${needles})
      WHERE tenant_id = ${t} AND subscriber_id IS DISTINCT FROM ${s.subscriberId}
        AND ${mentions(sql`concat_ws(' ', title, body, action_url, data::text)`)}`),
    // Their workflow runs (step results go by cascade), digest windows and throttle counters; their data in
    // other people's runs and digests (an actor's name in a comment digest) is redacted.
    db.execute(sql`DELETE FROM workflow_runs WHERE tenant_id = ${t} AND subscriber_id = ${s.subscriberId}`),
    db.execute(sql`DELETE FROM workflow_digest_windows WHERE tenant_id = ${t} AND subscriber_id = ${s.subscriberId}`),
    db.execute(sql`DELETE FROM workflow_throttles WHERE tenant_id = ${t} AND subscriber_id = ${s.subscriberId}`),
    db.execute(sql`
      UPDATE workflow_runs SET data = nk_redact_jsonb(data, ${needles}), actor = nk_redact_jsonb(actor, ${needles})
      WHERE tenant_id = ${t} AND ${mentions(sql`concat_ws(' ', data::text, actor::text)`)}`),
    db.execute(sql`
      UPDATE workflow_digest_windows SET events = nk_redact_jsonb(events, ${needles})
      WHERE tenant_id = ${t} AND ${mentions(sql`events::text`)}`),
    db.execute(sql`
      UPDATE workflow_step_results SET output = nk_redact_jsonb(output, ${needles})
      WHERE tenant_id = ${t} AND output IS NOT NULL AND ${mentions(sql`output::text`)}`),
    db.execute(sql`DELETE FROM subscribers WHERE tenant_id = ${t} AND id = ${s.subscriberId}`),
    audit,
  ]);
}
