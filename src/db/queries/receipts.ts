import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { isoUtc } from '../sql-time';
import { DELIVERY_EVENT_DATA, emitEvents, emittedOf } from './webhook-events';

/** What a receipt says happened to one delivery. */
export type ReceiptType = 'delivered' | 'bounced' | 'complained' | 'opened' | 'clicked' | 'failed';

/**
 * One provider event, normalised by a provider's receipt parser (src/channels); `applyReceipts` matches it
 * to a delivery by `providerMessageId` (or `deliveryId`).
 */
export interface ReceiptEvent {
  /** Unique per provider event, for idempotency (SNS MessageId, sg_event_id, svix-id, `${MessageSid}:${MessageStatus}`, …). */
  eventKey: string;
  /** The provider's message id as returned at send time (what we stored as deliveries.provider_message_id). */
  providerMessageId: string;
  /** Our delivery id when the provider echoes it (SendGrid custom_args.delivery_id); lets us match without the message id. */
  deliveryId?: string;
  type: ReceiptType;
  /** ISO 8601 time the provider says it happened. */
  at: string;
  /** Human detail: bounce type/sub-type, SMTP diagnostic, Twilio ErrorCode, clicked link … (≤ 500 chars). */
  detail?: string;
  /** For bounced: true when permanent (hard bounce) → the address is suppressed; soft bounces are not. */
  permanent?: boolean;
  /** For clicked: the link. */
  url?: string;
}

/**
 * Applies provider receipts to the tenant's deliveries in one statement:
 * - each provider event is recorded once (provider_receipts); a repeat changes nothing and emits nothing;
 * - events are matched to deliveries of that provider by our delivery id (when echoed) or its message id;
 * - per delivery, the batch is folded: bounced beats failed beats delivered (only forward from `sent`, a bounce
 *   also after `delivered`), complaint time, first open/click and counts;
 * - hard bounces and complaints add the address to the suppression list;
 * - every transition emits its event (delivery.delivered/bounced/failed/complained/opened/clicked).
 * Returns the webhook messages to enqueue.
 */
/** A bounce moves `sent`/`delivered` to `bounced`, and upgrades an earlier soft bounce to a hard one. */
const bounceApplies = sql`agg.bounced AND (d.status IN ('sent', 'delivered')
  OR (d.status = 'bounced' AND agg.hard_bounce AND d.last_error->>'code' = 'soft_bounce'))`;

export async function applyReceipts(db: Db, tenantId: string, provider: string, events: ReceiptEvent[]) {
  const rows = events.map((e) => ({
    eventKey: e.eventKey,
    providerMessageId: e.providerMessageId,
    deliveryId: e.deliveryId ?? null,
    type: e.type,
    at: e.at,
    detail: e.detail ?? null,
    permanent: e.permanent ?? false,
    url: e.url ?? null,
  }));
  const result = await db.execute(
    emitEvents(
      sql`
        SELECT c.tenant_id, t.type, ${DELIVERY_EVENT_DATA} || t.extra AS data
        FROM changed c
        JOIN before b ON b.id = c.id
        JOIN notifications n ON n.id = c.notification_id AND n.tenant_id = c.tenant_id
        CROSS JOIN LATERAL (VALUES
          ('delivery.delivered', c.status = 'delivered' AND b.status <> 'delivered', '{}'::jsonb),
          ('delivery.bounced', c.status = 'bounced'
            AND (b.status <> 'bounced' OR (b.error_code = 'soft_bounce' AND c.last_error->>'code' = 'hard_bounce')),
            jsonb_build_object('permanent', c.hard_bounce)),
          ('delivery.failed', c.status = 'failed' AND b.status <> 'failed', '{}'::jsonb),
          ('delivery.complained', c.complained_at IS NOT NULL AND b.complained_at IS NULL, '{}'::jsonb),
          ('delivery.opened', c.first_opened_at IS NOT NULL AND b.first_opened_at IS NULL,
            jsonb_build_object('openedAt', ${isoUtc(sql`c.first_opened_at`)})),
          ('delivery.clicked', c.first_clicked_at IS NOT NULL AND b.first_clicked_at IS NULL,
            jsonb_build_object('clickedAt', ${isoUtc(sql`c.first_clicked_at`)}, 'url', c.click_url))
        ) AS t(type, fire, extra)
        WHERE t.fire`,
      sql`
        x AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("eventKey" text,
            "providerMessageId" text, "deliveryId" text, type text, at timestamptz, detail text, permanent boolean,
            url text)
        ),
        matched AS (
          SELECT x.*, d.id AS did FROM x
          JOIN deliveries d ON d.tenant_id = ${tenantId} AND d.provider = ${provider}
            AND ((x."deliveryId" IS NOT NULL AND d.id = x."deliveryId")
              OR (x."deliveryId" IS NULL AND d.provider_message_id = x."providerMessageId"))
        ),
        -- Only matched events are marked seen: one that arrives before its send's outcome is recorded stays
        -- unseen, so the provider's retry of it still applies.
        fresh AS (
          INSERT INTO provider_receipts (tenant_id, provider, event_key)
          SELECT DISTINCT ${tenantId}, ${provider}, "eventKey" FROM matched
          ON CONFLICT DO NOTHING
          RETURNING event_key
        ),
        ev AS (SELECT m.* FROM matched m JOIN fresh ON fresh.event_key = m."eventKey"),
        agg AS (
          SELECT did,
            min(at) FILTER (WHERE type = 'delivered') AS delivered_at,
            bool_or(type = 'bounced') AS bounced,
            bool_or(type = 'bounced' AND permanent) AS hard_bounce,
            (array_agg(detail ORDER BY at) FILTER (WHERE type = 'bounced'))[1] AS bounce_detail,
            min(at) FILTER (WHERE type = 'complained') AS complained_at,
            bool_or(type = 'failed') AS failed,
            (array_agg(detail ORDER BY at) FILTER (WHERE type = 'failed'))[1] AS fail_detail,
            min(at) FILTER (WHERE type = 'opened') AS first_open,
            count(*) FILTER (WHERE type = 'opened') AS opens,
            min(at) FILTER (WHERE type = 'clicked') AS first_click,
            count(*) FILTER (WHERE type = 'clicked') AS clicks,
            (array_agg(url ORDER BY at) FILTER (WHERE type = 'clicked'))[1] AS click_url
          FROM ev GROUP BY did
        ),
        before AS (
          SELECT d.id, d.status, d.last_error->>'code' AS error_code, d.complained_at, d.first_opened_at,
            d.first_clicked_at
          FROM deliveries d JOIN agg ON agg.did = d.id WHERE d.tenant_id = ${tenantId}
        ),
        changed AS (
          UPDATE deliveries d SET
            status = CASE
              WHEN ${bounceApplies} THEN 'bounced'
              WHEN agg.failed AND d.status = 'sent' THEN 'failed'
              WHEN agg.delivered_at IS NOT NULL AND d.status = 'sent' THEN 'delivered'
              ELSE d.status END,
            last_error = CASE
              WHEN ${bounceApplies} THEN jsonb_build_object(
                'code', CASE WHEN agg.hard_bounce THEN 'hard_bounce' ELSE 'soft_bounce' END,
                'message', COALESCE(agg.bounce_detail, 'bounced'))
              WHEN agg.failed AND d.status = 'sent' THEN jsonb_build_object(
                'code', 'provider_failed', 'message', COALESCE(agg.fail_detail, 'the provider reported a failure'))
              ELSE d.last_error END,
            delivered_at = COALESCE(d.delivered_at, agg.delivered_at),
            complained_at = COALESCE(d.complained_at, agg.complained_at),
            first_opened_at = COALESCE(d.first_opened_at, agg.first_open),
            opens = d.opens + agg.opens,
            first_clicked_at = COALESCE(d.first_clicked_at, agg.first_click),
            clicks = d.clicks + agg.clicks,
            updated_at = now()
          FROM agg WHERE d.id = agg.did AND d.tenant_id = ${tenantId}
          RETURNING d.*, agg.hard_bounce, agg.complained_at IS NOT NULL AS complaint, agg.click_url
        ),
        supp AS (
          INSERT INTO suppressions (tenant_id, channel, address, reason, provider, delivery_id)
          SELECT tenant_id, channel, address, CASE WHEN complaint THEN 'complaint' ELSE 'hard_bounce' END,
            ${provider}, id
          FROM changed WHERE hard_bounce OR complaint
          ON CONFLICT DO NOTHING
        )`,
    ),
  );
  return emittedOf(result);
}

/** What a tracking link needs of its delivery; the tenant comes from the row, then the token is checked. */
export async function getTrackedDelivery(db: Db, deliveryId: string) {
  const result = await db.execute<{ tenant_id: string; provider: string | null; links: string[] | null }>(sql`
    SELECT tenant_id, provider, links FROM deliveries WHERE id = ${deliveryId}`);
  return result.rows[0] ?? null;
}
