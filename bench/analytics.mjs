// Bench section for usage analytics: roll-up time and query time over 1M seeded deliveries.
import { triggerCron } from '../scripts/cron-driver.mjs';

const DAY = 86_400_000;

/**
 * (j) Seeds `count` deliveries for one tenant over the last 30 days straight into Postgres (generate_series; the
 * pipeline is not what is measured here), runs the hourly roll-up through the cron handler as Cloudflare would,
 * then times the analytics reads a dashboard makes.
 */
export async function measureAnalytics({ base, auth, pg, tenantId, log, count = 1_000_000 }) {
  const t0 = performance.now();
  await pg.query(
    `INSERT INTO notifications (id, tenant_id, mode, priority, category, content, created_at)
     SELECT 'ntf_bench' || lpad(i::text, 21, '0'), $1, 'live', 'normal', (ARRAY['billing','social','security'])[1 + i % 3],
       '{}'::jsonb, now() - (i % 720) * interval '1 hour' - interval '1 hour'
     FROM generate_series(1, $2::int / 10) AS i`,
    [tenantId, count],
  );
  await pg.query(
    `INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address, provider,
       sent_at, delivered_at, first_opened_at, cost, created_at)
     SELECT 'dlv_bench' || lpad(i::text, 21, '0'), $1, 'ntf_bench' || lpad((1 + (i - 1) / 10)::text, 21, '0'),
       c.channel, s.status, 'normal', 'r' || (i % 5000), 'r' || (i % 5000) || '@x.test', c.provider,
       CASE WHEN s.status IN ('sent','delivered','bounced') THEN created + (i % 3000) * interval '1 ms' END,
       CASE WHEN s.status = 'delivered' THEN created + (i % 9000) * interval '1 ms' END,
       CASE WHEN i % 4 = 0 AND s.status IN ('sent','delivered') THEN created + interval '1 minute' END,
       CASE WHEN s.status IN ('sent','delivered','bounced') THEN c.price END,
       created
     FROM generate_series(1, $2::int) AS i
     CROSS JOIN LATERAL (SELECT now() - ((1 + (i - 1) / 10) % 720) * interval '1 hour' - interval '1 hour' AS created) t
     CROSS JOIN LATERAL (SELECT (ARRAY['email','sms','push','in_app'])[1 + i % 4] AS channel,
       (ARRAY['sendgrid','twilio','fcm','inbox'])[1 + i % 4] AS provider,
       (ARRAY[0.0001, 0.0079, 0, 0])[1 + i % 4]::float8 AS price) c
     CROSS JOIN LATERAL (SELECT (ARRAY['sent','delivered','delivered','delivered','failed','bounced','suppressed',
       'delivered','sent','delivered'])[1 + i % 10] AS status) s`,
    [tenantId, count],
  );
  await pg.query('ANALYZE deliveries; ANALYZE notifications');
  const seedMs = Math.round(performance.now() - t0);
  log(`seeded ${count} deliveries in ${seedMs} ms`);

  const r0 = performance.now();
  const cron = await triggerCron(base, '0 * * * *');
  if (!cron.ok) throw new Error(`cron trigger failed: ${cron.status}`);
  const rollupMs = Math.round(performance.now() - r0);
  const { rows } = await pg.query('SELECT count(*)::int AS n FROM usage_hourly WHERE tenant_id = $1', [tenantId]);

  const from = new Date(Date.now() - 30 * DAY).toISOString();
  const time = async (path) => {
    const samples = [];
    let body;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const res = await fetch(`${base}${path}`, { headers: auth });
      body = await res.json();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    return { medianMs: Math.round(samples[2]), body };
  };
  const summary = await time(`/v1/analytics/summary?from=${from}`);
  const series = await time(`/v1/analytics/timeseries?metric=sent&granularity=day&from=${from}`);
  const hourly = await time(`/v1/analytics/timeseries?metric=delivery_rate&granularity=hour&from=${from}`);
  return {
    deliveries: count,
    seedMs,
    rollupMs,
    rollupRows: rows[0].n,
    summaryMs: summary.medianMs,
    summaryAccepted: summary.body.totals.accepted,
    timeseriesDayMs: series.medianMs,
    timeseriesHourMs: hourly.medianMs,
  };
}
