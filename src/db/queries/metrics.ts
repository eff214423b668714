import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { LATENCY_BUCKETS_MS } from '../schema/usage';
import { deliverySums } from './usage';

/**
 * The figures behind GET /metrics and GET /v1/metrics (docs/operations.md#metrics-and-alerts), read from durable
 * state at scrape time: a Worker isolate's memory is per isolate and short-lived, so it cannot hold a counter.
 *
 * Counters = metric_totals (everything frozen by the hourly job) + what happened since: usage_hourly hours the
 * freeze has not reached, the live hours of deliveries above the usage roll-up watermark, and notifications and
 * attempts minted after the events watermark (a primary-key range, ids being time-sortable).
 *
 * The watermarks are read first and passed to the scrape as literals: as subquery values the planner cannot see
 * how recent they are and scans whole tables (measured: 1.7 s instead of tens of ms over 1M deliveries). The scrape
 * re-reads them in its own snapshot and says so if a freeze moved them in between; the read is then repeated, so
 * nothing is ever counted twice or not at all.
 */

/** One counter cell: a family (see schema/metrics.ts) and its labels; '' where a label does not apply. */
export type MetricCount = {
  family: string;
  channel: string;
  provider: string;
  outcome: string;
  value: number;
};

export type MetricGauge = {
  kind: 'backlog' | 'dead_letters' | 'webhook_endpoints' | 'provider_configs';
  channel: string;
  /** provider_configs: the provider id; '' elsewhere. */
  provider: string;
  priority: string;
  status: string;
  count: number;
  /** backlog: seconds since the oldest of the group became due (queued) or was claimed (sending). */
  oldestSeconds: number;
};

/** Deliveries counted per status by the usage roll-up; also the order of `STATUS_CELLS` below. */
const USAGE_STATUSES = ['accepted', 'sent', 'delivered', 'failed', 'bounced', 'suppressed', 'dead_lettered'];
const STATUS_CELLS = sql.raw(
  `(VALUES ${USAGE_STATUSES.map((s) => `('${s}', r.${s}::bigint)`).join(', ')}) AS s(outcome, value)`,
);

/** Sums of the status columns, and of the latency arrays cell by cell (no array-sum aggregate in Postgres). */
const RECENT_SUMS = sql.raw(
  [
    ...USAGE_STATUSES.map((s) => `sum(${s})::bigint AS ${s}`),
    ...['sent_latency', 'delivered_latency'].map(
      (column) =>
        `ARRAY[${Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, (_, i) => `COALESCE(sum(${column}[${i + 1}]), 0)`).join(', ')}]::bigint[] AS ${column}`,
    ),
  ].join(', '),
);

/** `AND <column> = tenant` for /v1/metrics; nothing for the operator's /metrics. */
const scoped = (column: string, tenantId: string | null): SQL =>
  tenantId === null ? sql`` : sql`AND ${sql.raw(column)} = ${tenantId}`;

/** Where frozen totals end and live reading starts (text, so it can be handed back as literals unchanged). */
type Watermarks = { cohorts: string; events: string; usage: string };

const WATERMARKS = sql`
  SELECT COALESCE((SELECT cohorts_through FROM metric_totals_state WHERE id = 1), '-infinity')::text AS cohorts,
    COALESCE((SELECT events_through_id FROM metric_totals_state WHERE id = 1), '') AS events,
    COALESCE((SELECT rolled_through FROM usage_rollup_state WHERE id = 1), '-infinity')::text AS usage`;

/** A cell the counts query adds when the watermarks it was given are no longer the ones its snapshot sees. */
const MOVED = '_watermarks_moved';

function countsQuery(tenantId: string | null, w: Watermarks) {
  const cohorts = sql`${w.cohorts}::timestamptz`;
  const usage = sql`${w.usage}::timestamptz`;
  return sql`
    WITH recent AS (
      SELECT channel, provider, accepted, sent, delivered, failed, bounced, suppressed, dead_lettered, sent_latency,
        delivered_latency
      FROM usage_hourly u
      WHERE u.hour >= ${cohorts} AND u.hour < ${usage} ${scoped('u.tenant_id', tenantId)}
      UNION ALL
      SELECT channel, provider, accepted, sent, delivered, failed, bounced, suppressed, dead_lettered, sent_latency,
        delivered_latency
      FROM (${deliverySums(
        sql`d.created_at >= GREATEST(${cohorts}, ${usage}) ${scoped('d.tenant_id', tenantId)}`,
      )}) live),
    -- Summed before being spread into cells: two days of every tenant's hours are thousands of rows.
    r AS (SELECT channel, provider, ${RECENT_SUMS} FROM recent GROUP BY 1, 2),
    cells AS (
      SELECT family, channel, provider, outcome, value FROM metric_totals WHERE true ${scoped('tenant_id', tenantId)}
      UNION ALL
      SELECT 'deliveries', r.channel, r.provider, s.outcome, s.value FROM r CROSS JOIN LATERAL ${STATUS_CELLS}
      UNION ALL
      SELECT 'sent_latency', r.channel, '', (b.i - 1)::text, b.v FROM r, unnest(r.sent_latency) WITH ORDINALITY AS b(v, i)
      UNION ALL
      SELECT 'delivered_latency', r.channel, '', (b.i - 1)::text, b.v FROM r,
        unnest(r.delivered_latency) WITH ORDINALITY AS b(v, i)
      UNION ALL
      SELECT 'notifications', '', '', '', count(*) FROM notifications n
      WHERE n.id >= ${`ntf_${w.events}`} ${scoped('n.tenant_id', tenantId)}
      UNION ALL
      SELECT 'provider_attempts', d.channel, a.provider, a.outcome, count(*)
      FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id AND d.tenant_id = a.tenant_id
      WHERE a.id >= ${`att_${w.events}`} ${scoped('a.tenant_id', tenantId)}
      GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'webhook_attempts', '', '', wa.outcome, count(*) FROM webhook_attempts wa
      WHERE wa.id >= ${`wha_${w.events}`} ${scoped('wa.tenant_id', tenantId)}
      GROUP BY 4
      UNION ALL
      SELECT ${MOVED}, '', '', '', 1 FROM (${WATERMARKS}) now_seen
      WHERE (now_seen.cohorts, now_seen.events, now_seen.usage) IS DISTINCT FROM (${w.cohorts}, ${w.events}, ${w.usage}))
    SELECT family, channel, provider, outcome, sum(value)::float8 AS value FROM cells
    GROUP BY 1, 2, 3, 4 HAVING sum(value) > 0`;
}

function gaugesQuery(tenantId: string | null, backlogAfterSeconds: number) {
  const cutoff = sql`now() - make_interval(secs => ${backlogAfterSeconds})`;
  return sql`
    SELECT 'backlog' AS kind, channel, '' AS provider, priority, status, count(*)::int AS count,
      extract(epoch FROM now() - min(CASE WHEN status = 'queued' THEN COALESCE(next_attempt_at, created_at)
        ELSE claimed_at END))::float8 AS "oldestSeconds"
    FROM deliveries
    WHERE ((status = 'queued' AND (next_attempt_at < ${cutoff} OR (next_attempt_at IS NULL AND created_at < ${cutoff})))
        OR (status = 'sending' AND claimed_at < ${cutoff})) ${scoped('tenant_id', tenantId)}
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT 'dead_letters', channel, '', priority, '', count(*)::int, 0 FROM deliveries
    WHERE status = 'dead_lettered' ${scoped('tenant_id', tenantId)}
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT 'webhook_endpoints', '', '', '',
      CASE WHEN NOT enabled THEN 'disabled' WHEN failing_since IS NOT NULL THEN 'failing' ELSE 'healthy' END,
      count(*)::int, 0
    FROM webhook_endpoints WHERE true ${scoped('tenant_id', tenantId)}
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    -- Every configured (channel, provider) pair, so a healthy one shows 0 rather than no series.
    SELECT 'provider_configs', channel, provider, '', CASE WHEN problem IS NULL THEN 'ok' ELSE 'misconfigured' END,
      count(*)::int, 0
    FROM provider_configs WHERE true ${scoped('tenant_id', tenantId)}
    GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * Every counter cell and gauge of one scrape, in two round trips (watermarks, then the rest). `tenantId` null = all
 * tenants (the operator's /metrics); otherwise that tenant's rows only.
 */
export async function readMetrics(db: Db, tenantId: string | null, backlogAfterSeconds: number) {
  for (let attempt = 1; ; attempt++) {
    const marks = (await db.execute<Watermarks>(WATERMARKS)).rows[0]!;
    const [counts, gauges] = await db.batch([
      db.execute<MetricCount>(countsQuery(tenantId, marks)),
      db.execute<MetricGauge>(gaugesQuery(tenantId, backlogAfterSeconds)),
    ]);
    if (!counts.rows.some((c) => c.family === MOVED)) return { counts: counts.rows, gauges: gauges.rows };
    // A freeze committed between the two reads: read again (freezes run once an hour, so this is the rare case).
    if (attempt === 3) throw new Error('metric watermarks moved during three scrapes in a row');
  }
}

export interface FreezeState {
  cohortsThrough: Date | null;
  eventsThroughId: string | null;
  /** The usage roll-up's watermark: hours below it are in usage_hourly. */
  usageRolledThrough: Date | null;
  earliestUsageHour: Date | null;
  /** The smallest id of each table counted by id (null when empty). */
  earliestIds: (string | null)[];
}

/** Where the freeze stands, and where history starts (cheap: primary-key and index minima). */
export async function freezeState(db: Db): Promise<FreezeState> {
  const [, result] = await db.batch([
    db.execute(sql`INSERT INTO metric_totals_state (id) VALUES (1) ON CONFLICT (id) DO NOTHING`),
    db.execute<{
      cohorts_through: string | null;
      events_through_id: string | null;
      usage: string | null;
      earliest_hour: string | null;
      ntf: string | null;
      att: string | null;
      wha: string | null;
    }>(sql`
      SELECT s.cohorts_through, s.events_through_id,
        (SELECT rolled_through FROM usage_rollup_state WHERE id = 1) AS usage,
        (SELECT min(hour) FROM usage_hourly) AS earliest_hour,
        (SELECT min(id) FROM notifications) AS ntf,
        (SELECT min(id) FROM delivery_attempts) AS att,
        (SELECT min(id) FROM webhook_attempts) AS wha
      FROM metric_totals_state s WHERE s.id = 1`),
  ]);
  const row = result.rows[0]!;
  const date = (v: string | null) => (v ? new Date(v) : null);
  return {
    cohortsThrough: date(row.cohorts_through),
    eventsThroughId: row.events_through_id,
    usageRolledThrough: date(row.usage),
    earliestUsageHour: date(row.earliest_hour),
    earliestIds: [row.ntf, row.att, row.wha],
  };
}

const ADD_TO_TOTALS = sql`
  ON CONFLICT (tenant_id, family, channel, provider, outcome)
  DO UPDATE SET value = metric_totals.value + EXCLUDED.value`;

/**
 * Adds usage_hourly's hours [from, to) to the totals and moves `cohorts_through` to `to`, in one statement that
 * only adds if the watermark still stands at `from` (null = never frozen: everything below `to`). An overlapping
 * run therefore adds nothing twice; `to` beyond the usage roll-up's watermark adds nothing at all.
 */
export async function freezeCohorts(db: Db, from: Date | null, to: Date) {
  const fromIso = from?.toISOString() ?? null;
  const result = await db.execute(sql`
    WITH moved AS (
      UPDATE metric_totals_state SET cohorts_through = ${to.toISOString()}
      WHERE id = 1 AND cohorts_through IS NOT DISTINCT FROM ${fromIso}::timestamptz
        AND ${to.toISOString()}::timestamptz <= (SELECT rolled_through FROM usage_rollup_state WHERE id = 1)
      RETURNING 1),
    r AS (
      SELECT * FROM usage_hourly
      WHERE hour >= COALESCE(${fromIso}::timestamptz, '-infinity'::timestamptz) AND hour < ${to.toISOString()}),
    cells AS (
      SELECT r.tenant_id, 'deliveries' AS family, r.channel, r.provider, s.outcome, s.value
      FROM r CROSS JOIN LATERAL ${STATUS_CELLS}
      UNION ALL
      SELECT r.tenant_id, 'sent_latency', r.channel, '', (b.i - 1)::text, b.v
      FROM r, unnest(r.sent_latency) WITH ORDINALITY AS b(v, i)
      UNION ALL
      SELECT r.tenant_id, 'delivered_latency', r.channel, '', (b.i - 1)::text, b.v
      FROM r, unnest(r.delivered_latency) WITH ORDINALITY AS b(v, i))
    INSERT INTO metric_totals (tenant_id, family, channel, provider, outcome, value)
    SELECT tenant_id, family, channel, provider, outcome, sum(value) FROM cells
    WHERE EXISTS (SELECT 1 FROM moved)
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(value) > 0
    ${ADD_TO_TOTALS}
    RETURNING 1`);
  return result.rowCount ?? 0;
}

/**
 * Adds the notifications, delivery attempts and webhook attempts whose ids were minted in [from, to) (ULID time
 * parts, see lib/ids.ts idTimePrefix) to the totals and moves `events_through_id` to `to`; guarded like
 * freezeCohorts.
 */
export async function freezeEvents(db: Db, from: string | null, to: { id: string; at: Date }) {
  const lower = from ?? '';
  const result = await db.execute(sql`
    WITH moved AS (
      UPDATE metric_totals_state SET events_through_id = ${to.id}, events_through = ${to.at.toISOString()}
      WHERE id = 1 AND events_through_id IS NOT DISTINCT FROM ${from}::text
      RETURNING 1),
    cells AS (
      SELECT tenant_id, 'notifications' AS family, '' AS channel, '' AS provider, '' AS outcome, count(*) AS value
      FROM notifications WHERE id >= ${`ntf_${lower}`} AND id < ${`ntf_${to.id}`}
      GROUP BY 1
      UNION ALL
      SELECT a.tenant_id, 'provider_attempts', d.channel, a.provider, a.outcome, count(*)
      FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id AND d.tenant_id = a.tenant_id
      WHERE a.id >= ${`att_${lower}`} AND a.id < ${`att_${to.id}`}
      GROUP BY 1, 3, 4, 5
      UNION ALL
      SELECT tenant_id, 'webhook_attempts', '', '', outcome, count(*)
      FROM webhook_attempts WHERE id >= ${`wha_${lower}`} AND id < ${`wha_${to.id}`}
      GROUP BY 1, 5)
    INSERT INTO metric_totals (tenant_id, family, channel, provider, outcome, value)
    SELECT tenant_id, family, channel, provider, outcome, value FROM cells
    WHERE EXISTS (SELECT 1 FROM moved)
    ${ADD_TO_TOTALS}
    RETURNING 1`);
  return result.rowCount ?? 0;
}
