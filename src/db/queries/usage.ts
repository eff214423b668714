import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { ProviderProblem } from '../schema/providers';
import { LATENCY_BUCKETS_MS } from '../schema/usage';
import { emitEvents, emittedOf } from './webhook-events';

/**
 * Usage roll-ups and the analytics reads. Deliveries are counted in the hour they were accepted (their cohort):
 * closed hours come from usage_hourly, the hours after the roll-up watermark straight from deliveries, so an
 * answer never waits for the cron and never scans more than a few hours of raw rows.
 */

const BOUNDS = `ARRAY[${LATENCY_BUCKETS_MS.join(',')}]::float8[]`;

/** Per-bucket counts of `at − start` in ms, as an int[] aggregate (width_bucket: 0 = below the first bound). */
function histogram(at: string) {
  const ms = `extract(epoch FROM (${at} - GREATEST(d.created_at, n.send_at))) * 1000`;
  const cells = Array.from(
    { length: LATENCY_BUCKETS_MS.length + 1 },
    (_, i) => `count(*) FILTER (WHERE ${at} IS NOT NULL AND width_bucket(${ms}, ${BOUNDS}) = ${i})`,
  );
  return sql.raw(`ARRAY[${cells.join(', ')}]::int[]`);
}

export const USAGE_COLUMNS = sql.raw(
  'hour, channel, provider, category, template, accepted, sent, delivered, failed, bounced, suppressed, ' +
    'dead_lettered, opened, clicked, cost, sent_latency, delivered_latency',
);

/** The usage_hourly rows of the deliveries matching `where`, computed from the deliveries themselves. */
export function deliverySums(where: SQL) {
  return sql`
    SELECT d.tenant_id, date_trunc('hour', d.created_at) AS hour, d.channel, COALESCE(d.provider, '') AS provider,
      COALESCE(n.category, '') AS category, COALESCE(n.template_id, '') AS template,
      count(*)::int AS accepted,
      count(*) FILTER (WHERE d.sent_at IS NOT NULL)::int AS sent,
      count(*) FILTER (WHERE d.status = 'delivered' OR d.delivered_at IS NOT NULL)::int AS delivered,
      count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
      count(*) FILTER (WHERE d.status = 'bounced')::int AS bounced,
      count(*) FILTER (WHERE d.status = 'suppressed')::int AS suppressed,
      count(*) FILTER (WHERE d.status = 'dead_lettered')::int AS dead_lettered,
      count(*) FILTER (WHERE d.first_opened_at IS NOT NULL)::int AS opened,
      count(*) FILTER (WHERE d.first_clicked_at IS NOT NULL)::int AS clicked,
      COALESCE(sum(d.cost), 0)::float8 AS cost,
      ${histogram('d.sent_at')} AS sent_latency,
      ${histogram('d.delivered_at')} AS delivered_latency
    FROM deliveries d
    JOIN notifications n ON n.id = d.notification_id AND n.tenant_id = d.tenant_id
    WHERE ${where}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** Arbitrary fixed key: one roll-up at a time, so overlapping cron runs never insert the same rows twice. */
const ROLLUP_LOCK = 7_420_001;

/** Replaces the roll-ups of [from, to) (whole hours) for every tenant and moves the watermark up to `to`. */
export async function rollUpUsage(db: Db, from: Date, to: Date) {
  const [, , inserted] = await db.batch([
    db.execute(sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`),
    db.execute(sql`DELETE FROM usage_hourly WHERE hour >= ${from.toISOString()} AND hour < ${to.toISOString()}`),
    db.execute(sql`
      INSERT INTO usage_hourly (tenant_id, ${USAGE_COLUMNS})
      SELECT tenant_id, ${USAGE_COLUMNS} FROM (${deliverySums(
        sql`d.created_at >= ${from.toISOString()} AND d.created_at < ${to.toISOString()}`,
      )}) s`),
    db.execute(sql`
      INSERT INTO usage_rollup_state (id, rolled_through) VALUES (1, ${to.toISOString()})
      ON CONFLICT (id) DO UPDATE SET rolled_through = GREATEST(usage_rollup_state.rolled_through, EXCLUDED.rolled_through)`),
  ]);
  return inserted.rowCount ?? 0;
}

export async function rollupWatermark(db: Db): Promise<Date | null> {
  const result = await db.execute<{ rolled_through: string; earliest: string | null }>(sql`
    SELECT (SELECT rolled_through FROM usage_rollup_state WHERE id = 1) AS rolled_through`);
  const at = result.rows[0]?.rolled_through;
  return at ? new Date(at) : null;
}

export async function earliestDelivery(db: Db): Promise<Date | null> {
  const result = await db.execute<{ at: string | null }>(sql`SELECT min(created_at) AS at FROM deliveries`);
  return result.rows[0]?.at ? new Date(result.rows[0].at) : null;
}

export interface UsageFilter {
  tenantId: string;
  from: Date;
  to: Date;
  channel?: string | undefined;
  template?: string | undefined;
}

/** Roll-up rows for closed hours below the watermark, live sums above it; both filtered. */
function usageRows(f: UsageFilter) {
  const from = f.from.toISOString();
  const to = f.to.toISOString();
  const watermark = sql`COALESCE((SELECT rolled_through FROM usage_rollup_state WHERE id = 1), '-infinity'::timestamptz)`;
  const extra = sql`${f.channel ? sql`AND channel = ${f.channel}` : sql``} ${
    f.template ? sql`AND template = ${f.template}` : sql``
  }`;
  return sql`
    SELECT ${USAGE_COLUMNS} FROM usage_hourly
    WHERE tenant_id = ${f.tenantId} AND hour >= ${from} AND hour < ${to} AND hour < ${watermark} ${extra}
    UNION ALL
    SELECT ${USAGE_COLUMNS} FROM (${deliverySums(
      sql`d.tenant_id = ${f.tenantId} AND d.created_at >= GREATEST(${from}::timestamptz, ${watermark})
        AND d.created_at < ${to}`,
    )}) live WHERE true ${extra}`;
}

const SUMS = sql.raw(`sum(accepted)::int AS accepted, sum(sent)::int AS sent, sum(delivered)::int AS delivered,
  sum(failed)::int AS failed, sum(bounced)::int AS bounced, sum(suppressed)::int AS suppressed,
  sum(dead_lettered)::int AS "deadLettered", sum(opened)::int AS opened, sum(clicked)::int AS clicked,
  COALESCE(sum(cost), 0)::float8 AS cost`);

export type UsageSums = {
  accepted: number;
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  suppressed: number;
  deadLettered: number;
  opened: number;
  clicked: number;
  cost: number;
};

/** Sums and latency histograms per channel, in one statement. */
export async function usageByChannel(db: Db, f: UsageFilter) {
  const result = await db.execute<{
    sums: (UsageSums & { channel: string })[] | null;
    sent: { channel: string; i: number; n: number }[] | null;
    delivered: { channel: string; i: number; n: number }[] | null;
  }>(sql`
    WITH r AS (${usageRows(f)}),
    s AS (SELECT channel, ${SUMS} FROM r GROUP BY channel),
    ls AS (SELECT channel, u.i, sum(u.v)::int AS n FROM r, unnest(r.sent_latency) WITH ORDINALITY AS u(v, i)
      GROUP BY channel, u.i),
    ld AS (SELECT channel, u.i, sum(u.v)::int AS n FROM r, unnest(r.delivered_latency) WITH ORDINALITY AS u(v, i)
      GROUP BY channel, u.i)
    SELECT (SELECT json_agg(s ORDER BY channel) FROM s) AS sums, (SELECT json_agg(ls) FROM ls) AS sent,
      (SELECT json_agg(ld) FROM ld) AS delivered`);
  const row = result.rows[0]!;
  const histogramOf = (cells: { channel: string; i: number; n: number }[] | null, channel: string | null) => {
    const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    for (const c of cells ?? []) if (channel === null || c.channel === channel) counts[c.i - 1]! += c.n;
    return counts;
  };
  return {
    channels: (row.sums ?? []).map((s) => ({
      ...s,
      sentLatency: histogramOf(row.sent, s.channel),
      deliveredLatency: histogramOf(row.delivered, s.channel),
    })),
    sentLatency: histogramOf(row.sent, null),
    deliveredLatency: histogramOf(row.delivered, null),
  };
}

/** Sums per channel and time bucket (hour or UTC day). */
export async function usageSeries(db: Db, f: UsageFilter, granularity: 'hour' | 'day') {
  const bucket =
    granularity === 'hour' ? sql`hour` : sql`date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`;
  const result = await db.execute<UsageSums & { channel: string; t: string }>(sql`
    WITH r AS (${usageRows(f)})
    SELECT channel, ${bucket} AS t, ${SUMS} FROM r GROUP BY 1, 2 ORDER BY 2`);
  return result.rows.map((r) => ({ ...r, t: new Date(r.t) }));
}

/** Per provider: attempts, errors and attempt latency, read from the attempts of the period. */
export async function providerHealth(db: Db, f: UsageFilter) {
  const result = await db.execute<{
    provider: string;
    channel: string;
    provider_config_id: string | null;
    attempts: number;
    errors: number;
    p50: number | null;
    p95: number | null;
    problem: ProviderProblem | null;
  }>(sql`
    WITH s AS (
      SELECT a.provider, d.channel, a.provider_config_id, count(*)::int AS attempts,
        count(*) FILTER (WHERE a.outcome IN ('retryable_error', 'permanent_error'))::int AS errors,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95
      FROM delivery_attempts a
      JOIN deliveries d ON d.id = a.delivery_id AND d.tenant_id = a.tenant_id
      WHERE a.tenant_id = ${f.tenantId} AND a.started_at >= ${f.from.toISOString()} AND a.started_at < ${f.to.toISOString()}
        AND a.outcome <> 'skipped'
      GROUP BY 1, 2, 3),
    p AS (SELECT id, provider, channel, problem FROM provider_configs WHERE tenant_id = ${f.tenantId})
    -- A configuration with an open problem is listed even without attempts in the range: the problem is now.
    SELECT COALESCE(s.provider, p.provider) AS provider, COALESCE(s.channel, p.channel) AS channel,
      COALESCE(s.provider_config_id, p.id) AS provider_config_id, COALESCE(s.attempts, 0) AS attempts,
      COALESCE(s.errors, 0) AS errors, s.p50, s.p95, p.problem
    FROM s FULL JOIN p ON p.id = s.provider_config_id
    WHERE s.provider IS NOT NULL OR p.problem IS NOT NULL
    ORDER BY 4 DESC, 1, 3`);
  return result.rows;
}

export type BudgetRow = {
  id: string;
  budget: number;
  hard_stop: boolean;
  budget_warned_month: string | null;
  budget_stopped_month: string | null;
  spent: number;
};

/** Month-to-date spend of every tenant with a budget: roll-ups below the watermark, live deliveries above it. */
export async function budgetsToCheck(db: Db, monthStart: Date) {
  const month = monthStart.toISOString();
  const result = await db.execute<BudgetRow>(sql`
    WITH w AS (
      SELECT COALESCE((SELECT rolled_through FROM usage_rollup_state WHERE id = 1), '-infinity'::timestamptz) AS t),
    b AS (
      SELECT id, (usage_settings->>'monthlyBudget')::float8 AS budget,
        COALESCE((usage_settings->>'budgetHardStop')::boolean, false) AS hard_stop,
        budget_warned_month, budget_stopped_month
      FROM tenants WHERE (usage_settings->>'monthlyBudget') IS NOT NULL)
    SELECT b.*,
      (COALESCE((SELECT sum(u.cost) FROM usage_hourly u, w
          WHERE u.tenant_id = b.id AND u.hour >= ${month} AND u.hour < w.t), 0)
        + COALESCE((SELECT sum(d.cost) FROM deliveries d, w
          WHERE d.tenant_id = b.id AND d.created_at >= GREATEST(${month}::timestamptz, w.t)), 0))::float8 AS spent
    FROM b`);
  return result.rows;
}

/**
 * Records the month's budget warning / stop (each once a month, with its webhook event) and lifts stops that no
 * longer apply (a raised budget). Returns the webhook messages to enqueue.
 */
export async function applyBudgetLevels(
  db: Db,
  month: string,
  changes: { warn: BudgetRow[]; stop: BudgetRow[]; lift: string[] },
) {
  const payload = (rows: BudgetRow[]) =>
    JSON.stringify(rows.map((r) => ({ id: r.id, spent: r.spent, budget: r.budget, hardStop: r.hard_stop })));
  const mark = (column: 'budget_warned_month' | 'budget_stopped_month', type: string, rows: BudgetRow[]) =>
    db.execute(
      emitEvents(
        sql`SELECT c.id AS tenant_id, ${type}::text AS type,
          jsonb_build_object('month', ${month}::text, 'spent', x.spent, 'budget', x.budget, 'hardStop', x."hardStop")
            AS data
          FROM changed c JOIN x ON x.id = c.id`,
        sql`x AS (SELECT * FROM jsonb_to_recordset(${payload(rows)}::jsonb)
            AS x(id text, spent float8, budget float8, "hardStop" boolean)),
          changed AS (
            UPDATE tenants t SET ${sql.raw(column)} = ${month}, updated_at = now() FROM x
            WHERE t.id = x.id AND t.${sql.raw(column)} IS DISTINCT FROM ${month}
            RETURNING t.id)`,
      ),
    );
  const statements = [
    mark('budget_warned_month', 'usage.budget_warning', changes.warn),
    mark('budget_stopped_month', 'usage.budget_exceeded', changes.stop),
    db.execute(sql`
      UPDATE tenants SET budget_stopped_month = NULL, updated_at = now()
      WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(changes.lift)}::jsonb))`),
  ] as const;
  const [warned, stopped] = await db.batch(statements);
  return [...emittedOf(warned), ...emittedOf(stopped)];
}
