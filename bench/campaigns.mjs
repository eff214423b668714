// Bench sections for scheduled sends and broadcast fan-out (issue: scheduling, topics and broadcasts).
import { triggerCron } from '../scripts/cron-driver.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, timeoutMs, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await sleep(everyMs);
  }
  throw new Error('timed out');
}

/**
 * (g) Lateness of scheduled sends: `count` notifications with sendAt spread over a window, half due within the
 * minute (enqueued at acceptance with a delay) and half later (handed over by the every-minute cron, which we
 * trigger as Cloudflare would). Lateness = sent_at − send_at per delivery.
 */
export async function measureScheduledLateness({ base, auth, pg, sink, log, count = 400 }) {
  const t0 = Date.now();
  const at = (i) => {
    const near = i % 2 === 0;
    const offset = near ? 10_000 + (i / count) * 30_000 : 65_000 + (i / count) * 30_000;
    return new Date(t0 + offset).toISOString();
  };
  const notifications = Array.from({ length: count }, (_, i) => ({
    to: { webhookUrl: `${sink}/sched-${i}` },
    content: { body: 'scheduled' },
    category: 'scheduled-bench',
    sendAt: at(i),
  }));
  const res = await fetch(`${base}/v1/notifications/bulk`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ notifications }),
  });
  if (res.status !== 202) throw new Error(`scheduling failed: ${res.status} ${await res.text()}`);
  // The cron fires every minute; at t0+40 s everything still unqueued is due within its window.
  await sleep(Math.max(0, t0 + 40_000 - Date.now()));
  const cron = await triggerCron(base, '* * * * *');
  if (!cron.ok) throw new Error(`cron trigger failed: ${cron.status}`);
  const done = () =>
    pg
      .query(`SELECT count(*) FILTER (WHERE d.status IN ('queued','sending')) AS pending
        FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.category = 'scheduled-bench'`)
      .then((r) => Number(r.rows[0].pending) === 0);
  await waitFor(done, 180_000);
  const stats = (
    await pg.query(`SELECT count(*) AS sent,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.sent_at - n.send_at)) AS p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.sent_at - n.send_at)) AS p99,
        max(extract(epoch FROM d.sent_at - n.send_at)) AS max,
        min(extract(epoch FROM d.sent_at - n.send_at)) AS min
      FROM deliveries d JOIN notifications n ON n.id = d.notification_id
      WHERE n.category = 'scheduled-bench' AND d.status = 'sent'`)
  ).rows[0];
  const ms = (s) => Math.round(Number(s) * 1000);
  const result = {
    scheduled: count,
    sent: Number(stats.sent),
    latenessP50Ms: ms(stats.p50),
    latenessP99Ms: ms(stats.p99),
    latenessMaxMs: ms(stats.max),
    earliestMs: ms(stats.min),
  };
  log(JSON.stringify(result));
  return result;
}

/**
 * (h) Broadcast fan-out: a topic of `members` subscribers (seeded in SQL), one POST, then the time until every
 * subscriber's notification exists (fan-out rate) and until every delivery reached the HTTP sink.
 */
export async function measureFanout({ base, auth, pg, sink, log, tenantId, members = 20_000 }) {
  await pg.query('UPDATE tenants SET broadcast_rate_per_second = 1000000 WHERE id = $1', [tenantId]);
  await pg.query(
    `INSERT INTO subscribers (id, tenant_id, external_id, channels)
     SELECT 'sub_fanout' || lpad(g::text, 21, '0'), $1, 'fan-' || g, jsonb_build_object('webhookUrl', $2 || '/fan-' || g)
     FROM generate_series(1, $3) g`,
    [tenantId, sink, members],
  );
  await pg.query(`INSERT INTO topics (id, tenant_id, key) VALUES ('top_fanoutbench00000000000000', $1, 'bench-all')`, [
    tenantId,
  ]);
  await pg.query(
    `INSERT INTO topic_subscribers (tenant_id, topic_id, subscriber_id)
     SELECT $1, 'top_fanoutbench00000000000000', id FROM subscribers WHERE tenant_id = $1 AND external_id LIKE 'fan-%'`,
    [tenantId],
  );
  const started = Date.now();
  const res = await fetch(`${base}/v1/notifications`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ to: { topic: 'bench-all' }, content: { body: 'broadcast' } }),
  });
  const accepted = await res.json();
  const acceptMs = Date.now() - started;
  if (res.status !== 202) throw new Error(`broadcast failed: ${res.status} ${JSON.stringify(accepted)}`);
  const created = () =>
    pg
      .query('SELECT count(*) AS n, max(created_at) AS last FROM notifications WHERE broadcast_id = $1', [accepted.id])
      .then((r) => (Number(r.rows[0].n) >= members ? r.rows[0] : null));
  const fannedOut = await waitFor(created, 600_000, 250);
  const fanoutSeconds = (new Date(fannedOut.last).getTime() - started) / 1000;
  const delivered = () =>
    pg
      .query(
        `SELECT count(*) FILTER (WHERE d.status = 'sent') AS sent, count(*) FILTER (WHERE d.status IN ('queued','sending')) AS pending,
           max(d.sent_at) AS last
         FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.broadcast_id = $1`,
        [accepted.id],
      )
      .then((r) => (Number(r.rows[0].pending) === 0 && Number(r.rows[0].sent) > 0 ? r.rows[0] : null));
  const end = await waitFor(delivered, 900_000, 1000);
  const e2eSeconds = (new Date(end.last).getTime() - started) / 1000;
  const result = {
    members,
    acceptMs,
    fanoutSeconds: +fanoutSeconds.toFixed(2),
    fanoutPerSecond: Math.round(members / fanoutSeconds),
    delivered: Number(end.sent),
    deliveredSeconds: +e2eSeconds.toFixed(2),
    deliveredPerSecond: Math.round(Number(end.sent) / e2eSeconds),
  };
  log(JSON.stringify(result));
  return result;
}
