import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { type EmittedMessage, emitEvents, emittedOf } from './webhook-events';

/**
 * Queries of the webhook consumer and cron. Like the delivery pipeline, every statement is scoped by the tenant
 * id carried in the message or row.
 */

/** A `sending` claim older than this was abandoned (consumer crashed); far beyond the 15 s request timeout. */
export const WEBHOOK_STALE_CLAIM_SECONDS = 120;

export type ClaimedWebhook = {
  tenantId: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  url: string;
  enabled: boolean;
  secretsCiphertext: string;
  keyId: string;
  failingSince: string | null;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
  /** The request that accepted the notification the event is about (null for other events). */
  requestId: string | null;
  traceparent: string | null;
};

/**
 * pending → sending for the due messages of a batch, atomically: of two consumers holding the same queue
 * message, one gets the row. Messages not yet due (an early duplicate) and finished ones are not claimed.
 */
export async function claimWebhookMessages(db: Db, items: EmittedMessage[]): Promise<ClaimedWebhook[]> {
  if (items.length === 0) return [];
  const result = await db.execute<ClaimedWebhook>(sql`
    WITH claimed AS (
      UPDATE webhook_messages m SET status = 'sending', claimed_at = now(), attempts = m.attempts + 1, updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x("tenantId" text, "endpointId" text, "eventId" text)
      WHERE m.tenant_id = x."tenantId" AND m.endpoint_id = x."endpointId" AND m.event_id = x."eventId"
        AND (m.status = 'pending'
          OR (m.status = 'sending' AND m.claimed_at < now() - make_interval(secs => ${WEBHOOK_STALE_CLAIM_SECONDS})))
        AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= now() + interval '5 seconds')
      RETURNING m.tenant_id, m.endpoint_id, m.event_id, m.attempts
    )
    SELECT c.tenant_id AS "tenantId", c.endpoint_id AS "endpointId", c.event_id AS "eventId", c.attempts,
      e.url, e.enabled, e.secrets_ciphertext AS "secretsCiphertext", e.key_id AS "keyId",
      e.failing_since AS "failingSince", ev.type, ev.data, ev.created_at AS "createdAt",
      n.request_id AS "requestId", n.traceparent
    FROM claimed c
    JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.tenant_id = c.tenant_id
    JOIN webhook_events ev ON ev.id = c.event_id AND ev.tenant_id = c.tenant_id
    LEFT JOIN notifications n ON n.id = ev.data->>'notificationId' AND n.tenant_id = c.tenant_id`);
  return result.rows;
}

export interface WebhookOutcome {
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attemptNo: number;
  /** null: no HTTP request was made (endpoint disabled meanwhile). */
  attempt: {
    id: string;
    outcome: 'succeeded' | 'failed';
    statusCode: number | null;
    durationMs: number;
    responseSnippet: string | null;
    error: string | null;
    startedAt: string;
  } | null;
  status: 'succeeded' | 'pending' | 'failed';
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Whether the endpoint should now be disabled, and why. */
  disable?: 'gone' | 'failing';
}

/**
 * Writes a batch of webhook outcomes in one transaction: attempt rows, message states, the endpoints' failure
 * streaks, and endpoints disabled (with their `webhook_endpoint.disabled` events). Returns the events' messages.
 */
export async function recordWebhookOutcomes(db: Db, outcomes: WebhookOutcome[]): Promise<EmittedMessage[]> {
  const attempts = outcomes.flatMap((o) =>
    o.attempt
      ? [
          {
            ...o.attempt,
            tenantId: o.tenantId,
            endpointId: o.endpointId,
            eventId: o.eventId,
            eventType: o.eventType,
            attemptNo: o.attemptNo,
          },
        ]
      : [],
  );
  const streaks = outcomes.flatMap((o) =>
    o.attempt ? [{ tenantId: o.tenantId, endpointId: o.endpointId, ok: o.attempt.outcome === 'succeeded' }] : [],
  );
  const disable = outcomes.flatMap((o) =>
    o.disable ? [{ tenantId: o.tenantId, endpointId: o.endpointId, reason: o.disable }] : [],
  );
  const [, , , , emitted] = await db.batch([
    db.execute(sql`
      INSERT INTO webhook_attempts (id, tenant_id, endpoint_id, event_id, event_type, attempt_no, outcome, status_code,
        duration_ms, response_snippet, error, started_at)
      SELECT id, "tenantId", "endpointId", "eventId", "eventType", "attemptNo", outcome, "statusCode", "durationMs",
        "responseSnippet", error, "startedAt"
      FROM jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb) AS x(id text, "tenantId" text, "endpointId" text,
        "eventId" text, "eventType" text, "attemptNo" int, outcome text, "statusCode" int, "durationMs" int,
        "responseSnippet" text, error text, "startedAt" timestamptz)`),
    db.execute(sql`
      UPDATE webhook_messages m SET status = x.status, next_attempt_at = x."nextAttemptAt", last_error = x."lastError",
        claimed_at = NULL, enqueued_at = CASE WHEN x.status = 'pending' THEN now() ELSE m.enqueued_at END,
        updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) AS x("tenantId" text, "endpointId" text,
        "eventId" text, status text, "nextAttemptAt" timestamptz, "lastError" text)
      WHERE m.tenant_id = x."tenantId" AND m.endpoint_id = x."endpointId" AND m.event_id = x."eventId"
        AND m.status = 'sending'`),
    // Any success in the batch ends the endpoint's failure streak; otherwise a failure starts one.
    db.execute(sql`
      UPDATE webhook_endpoints e SET
        failing_since = CASE WHEN s.ok THEN NULL ELSE COALESCE(e.failing_since, now()) END
      FROM (SELECT "tenantId", "endpointId", bool_or(ok) AS ok
            FROM jsonb_to_recordset(${JSON.stringify(streaks)}::jsonb) AS x("tenantId" text, "endpointId" text, ok boolean)
            GROUP BY 1, 2) s
      WHERE e.id = s."endpointId" AND e.tenant_id = s."tenantId"`),
    db.execute(sql`
      UPDATE webhook_endpoints e SET enabled = false, disabled_reason = x.reason, updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(disable)}::jsonb) AS x("tenantId" text, "endpointId" text, reason text)
      WHERE e.id = x."endpointId" AND e.tenant_id = x."tenantId" AND e.enabled`),
    // The disable above ran in this transaction (its updated_at is now()), so its events reach only the endpoints
    // still enabled, and a concurrent consumer that disabled the endpoint first does not emit twice.
    db.execute(
      emitEvents(sql`
        SELECT e.tenant_id, 'webhook_endpoint.disabled' AS type,
          jsonb_build_object('endpointId', e.id, 'url', e.url, 'reason', e.disabled_reason,
            'failingSince', e.failing_since) AS data
        FROM webhook_endpoints e
        JOIN jsonb_to_recordset(${JSON.stringify(disable)}::jsonb) AS x("tenantId" text, "endpointId" text)
          ON e.id = x."endpointId" AND e.tenant_id = x."tenantId"
        WHERE NOT e.enabled AND e.updated_at = now()`),
    ),
  ]);
  return emittedOf(emitted);
}

/** DLQ: what is still pending is visibly dead-lettered (replayable). */
export function markWebhooksDeadLettered(db: Db, items: EmittedMessage[]) {
  return db.execute(sql`
    UPDATE webhook_messages m SET status = 'dead_lettered', last_error = 'dead_lettered', claimed_at = NULL,
      updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS x("tenantId" text, "endpointId" text, "eventId" text)
    WHERE m.tenant_id = x."tenantId" AND m.endpoint_id = x."endpointId" AND m.event_id = x."eventId"
      AND m.status IN ('pending', 'sending')`);
}

/**
 * Cron: webhook messages that need a queue message now — enqueues that failed, messages that vanished (pending
 * long past due), claims abandoned by a crashed consumer. Marked enqueued in the same statement.
 */
export async function claimDueWebhooks(db: Db, limit: number) {
  const result = await db.execute<{
    tenantId: string;
    endpointId: string;
    eventId: string;
    nextAttemptAt: string | null;
  }>(sql`
    UPDATE webhook_messages m SET enqueued_at = now(), updated_at = now()
    FROM (
      SELECT endpoint_id, event_id FROM webhook_messages
      WHERE (status = 'pending' AND enqueued_at IS NULL)
         OR (status = 'pending' AND enqueued_at < now() - interval '15 minutes'
             AND next_attempt_at < now() - interval '15 minutes')
         OR (status = 'sending' AND claimed_at < now() - make_interval(secs => ${WEBHOOK_STALE_CLAIM_SECONDS * 2}))
      ORDER BY next_attempt_at NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE m.endpoint_id = due.endpoint_id AND m.event_id = due.event_id
    RETURNING m.tenant_id AS "tenantId", m.endpoint_id AS "endpointId", m.event_id AS "eventId",
      m.next_attempt_at AS "nextAttemptAt"`);
  return result.rows;
}

/** Cron: events (with their messages and attempts by cascade) older than the replay window. */
export function deleteExpiredWebhookData(db: Db, retentionDays: number) {
  return db.batch([
    db.execute(sql`DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events
      WHERE created_at < now() - make_interval(days => ${retentionDays}) LIMIT 5000)`),
    db.execute(sql`DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts
      WHERE started_at < now() - make_interval(days => ${retentionDays}) LIMIT 5000)`),
    db.execute(sql`DELETE FROM provider_receipts WHERE ctid IN (SELECT ctid FROM provider_receipts
      WHERE created_at < now() - make_interval(days => ${retentionDays}) LIMIT 5000)`),
  ]);
}
