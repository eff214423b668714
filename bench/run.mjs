// npm run bench: measures the local stack (embedded Postgres + Neon proxy + wrangler dev + a local HTTP sink).
// Prints a table and writes bench/out/results.json and bench/RESULTS.md. Not part of npm test.
//   (a) POST /v1/notifications throughput and p50/p99 at fixed concurrency
//   (b) the same for a bare INSERT through the same driver path (/bench/baseline) → ratio ours/baseline
//   (c) bulk: notifications accepted per second through POST /v1/notifications/bulk (1,000 per request)
//   (d) end to end: deliveries per second from API to a local HTTP sink, all confirmed sent; p99 accept→sent
//   (e) API p50/p99 at half of the maximum load measured in (a)
//   (g) scheduled sends: lateness of sent_at against sendAt; (h) broadcast fan-out to a topic
//   (w1)–(w5) workflows: triggers per second, delay and digest-flush lateness, digest exactness, a topic run through
// `npm run bench -- --soak 10m [--rate N]` runs only the soak instead (bench/soak.mjs): a steady open-loop rate at
// half the measured maximum (or N/s) for the duration; writes bench/out/soak.json (RESULTS.md is left alone).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pgClient, startLocalDb } from '../scripts/local-db.mjs';
import { randomCredentialsKeys, startWrangler, waitForHttp, writeEnvFile } from '../scripts/wrangler-process.mjs';
import { startStandIns } from '../test/stand-ins/provider-stand-in.mjs';
import { measureAnalytics } from './analytics.mjs';
import { measureFanout, measureScheduledLateness } from './campaigns.mjs';
import { measureInboxLatency } from './inbox.mjs';
import { closedLoop, openLoop } from './load.mjs';
import { parseDuration, runSoak } from './soak.mjs';
import { workerHeapMiB } from './worker-heap.mjs';
import { snapshotWorker } from './worker-snapshot.mjs';
import { measureWorkflows } from './workflows.mjs';

const PORTS = { pg: 54369, proxy: 54370, smtp: 54371, sink: 54372, http: 8799, inspector: 9249 };
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const E2E_COUNT = Number(process.env.BENCH_E2E ?? 5000);
/**
 * `BENCH_ONLY=campaigns` runs only (g) and (h), `inbox` only (i), `analytics` only (j), `workflows` only (w1)–(w5);
 * they print (RESULTS.md is left alone).
 */
const ONLY = process.env.BENCH_ONLY;
const { values: FLAGS } = parseArgs({
  // --soak-target baseline: the same soak against the bare INSERT route, a control for memory growth
  options: { soak: { type: 'string' }, rate: { type: 'string' }, 'soak-target': { type: 'string' } },
});
const SOAK_MS = FLAGS.soak ? parseDuration(FLAGS.soak) : null;
const BASE = `http://127.0.0.1:${PORTS.http}`;
const SINK = `http://127.0.0.1:${PORTS.sink}/hooks/bench`;
const DATA = path.resolve('.data/bench');
const log = (m) => console.log(`[bench] ${m}`);

fs.rmSync(DATA, { recursive: true, force: true });
fs.mkdirSync(DATA, { recursive: true });
const db = await startLocalDb({
  dataDir: path.join(DATA, 'pg'),
  pgPort: PORTS.pg,
  proxyPort: PORTS.proxy,
  fresh: true,
  log,
});
const standIns = await startStandIns({ httpPort: PORTS.sink, smtpPort: PORTS.smtp });
const pg = pgClient(db.url);
await pg.connect();
await pg.query(
  'CREATE TABLE IF NOT EXISTS bench_baseline (id text PRIMARY KEY, payload jsonb, created_at timestamptz DEFAULT now())',
);

const envFile = writeEnvFile(path.join(DATA, 'bench.env'), {
  DATABASE_URL: db.url,
  PG_WS_PROXY: db.wsProxy,
  ENVIRONMENT: 'development',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
  BENCH_ROUTES: 'on',
  ALLOW_PRIVATE_WEBHOOK_TARGETS: 'on',
  CREDENTIALS_KEYS: randomCredentialsKeys(),
});
const wrangler = startWrangler({
  port: PORTS.http,
  envFile,
  persistTo: path.join(DATA, 'wrangler'),
  stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
  extraArgs: [
    // The soak runs minutes: on a frozen copy of the Worker, so an edit under src/ cannot reload it mid-run.
    ...(SOAK_MS ? snapshotWorker(path.join(DATA, 'worker')) : []),
    // The soak reads the Worker's heap over the inspector; a port of its own, clear of other wrangler devs.
    ...(SOAK_MS ? ['--inspector-port', String(PORTS.inspector)] : []),
    ...(process.env.BENCH_LOG_LEVEL ? [] : ['--log-level', 'error']),
  ],
});

async function shutdown(code) {
  await wrangler.stop();
  await pg.end().catch(() => {});
  await standIns.close();
  await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));

try {
  await waitForHttp(`${BASE}/health`, 60_000);
  const signup = await (
    await fetch(`${BASE}/v1/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench', email: 'bench@example.test' }),
    })
  ).json();
  // A live key: test keys only reach the sandbox, and the bench measures real deliveries to the HTTP sink.
  const live = await (
    await fetch(`${BASE}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signup.apiKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', mode: 'live', scopes: ['admin'] }),
    })
  ).json();
  const key = live.key;
  // The bench measures the pipeline, not the protective limits: lift them for this tenant.
  await pg.query(
    `UPDATE tenants SET api_rate_limit_per_second = 1000000,
       recipient_limits = '{"webhook":{"limit":1000000,"periodSeconds":1}}' WHERE id = $1`,
    [signup.tenant.id],
  );
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let seq = 0;
  const oneNotification = () => ({
    to: { webhookUrl: `${SINK}/${seq++}` },
    content: { title: 'Price drop', body: 'The item on your list is now 20% off' },
    data: { sku: 'SKU-1', price: 79.9 },
  });
  const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version } };

  // warm-up: JIT, connection pools, Durable Objects
  await closedLoop({
    makeRequest: () => ({
      url: `${BASE}/v1/notifications`,
      init: { method: 'POST', headers: auth, body: JSON.stringify(oneNotification()) },
    }),
    expectStatus: 202,
    concurrency: 4,
    durationMs: 2000,
  });
  await drain(pg, 60_000);

  if (SOAK_MS) await soakSection();
  if (!ONLY) await pipelineSections(results);

  async function soakSection() {
    let soakOver = false;
    wrangler.child.once('exit', (code, signal) => {
      if (!soakOver) log(`wrangler exited during the soak: code ${code}, signal ${signal}`);
    });
    const baseline = FLAGS['soak-target'] === 'baseline';
    const soak = await runSoak({
      makeRequest: () =>
        baseline
          ? {
              url: `${BASE}/bench/baseline`,
              init: {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(oneNotification()),
              },
            }
          : {
              url: `${BASE}/v1/notifications`,
              init: {
                method: 'POST',
                headers: auth,
                body: JSON.stringify({ ...oneNotification(), category: 'soak' }),
              },
            },
      expectStatus: baseline ? 201 : 202,
      durationMs: SOAK_MS,
      rate: FLAGS.rate ? Number(FLAGS.rate) : undefined,
      wranglerPid: wrangler.child.pid,
      backlog: async () =>
        Number((await pg.query(`SELECT count(*) AS n FROM deliveries WHERE status IN ('queued','sending')`)).rows[0].n),
      drain: async (ms) => {
        const t0 = Date.now();
        await drain(pg, ms);
        return Date.now() - t0;
      },
      heap: () => workerHeapMiB(PORTS.inspector, `${BASE}/health`),
      log,
    });
    const d = (
      await pg.query(`SELECT count(*) FILTER (WHERE d.status = 'sent') AS sent, count(*) AS total
        FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.category = 'soak'`)
    ).rows[0];
    soak.target = baseline ? 'POST /bench/baseline' : 'POST /v1/notifications';
    soak.deliveries = { sent: Number(d.sent), total: Number(d.total) };
    soak.machine = results.machine;
    const pass = soak.errors === 0 && soak.deliveries.sent === soak.deliveries.total;
    const lines = [
      `| from (s) | requests | errors | p50 ms | p99 ms | backlog | workerd RSS MiB | Worker heap MiB (after GC) |`,
      '|---|---|---|---|---|---|---|---|',
      ...soak.buckets.map(
        (b) =>
          `| ${b.fromSeconds} | ${b.requests} | ${b.errors} | ${b.p50} | ${b.p99} | ${b.backlog ?? '–'} | ${b.rssMiB ?? '–'} | ${b.heapMiB ?? '–'} |`,
      ),
    ];
    console.log(`\n${lines.join('\n')}\n`);
    console.log(
      `soak ${soak.durationSeconds} s at ${soak.rate} req/s${soak.max ? ` (max ${soak.max.rps} req/s)` : ''}: ${soak.requests} requests, ${soak.errors} errors, p50 ${soak.p50} ms, p99 ${soak.p99} ms; deliveries ${soak.deliveries.sent}/${soak.deliveries.total} sent (drained ${(soak.drainedAfterLoadMs / 1000).toFixed(1)} s after the load); workerd RSS ${soak.rssStartMiB} → ${soak.rssAtLoadEndMiB} (load end) → ${soak.rssEndMiB} MiB (drained); Worker heap after GC ${soak.heapStartMiB} → ${soak.heapAtLoadEndMiB} → ${soak.heapEndMiB} MiB — ${pass ? 'PASS' : 'FAIL'}`,
    );
    for (const [when, byPid] of Object.entries(soak.rssByPid)) {
      console.log(`workerd RSS MiB (${when}): ${JSON.stringify(byPid)}`);
    }
    fs.mkdirSync('bench/out', { recursive: true });
    fs.writeFileSync(
      baseline ? 'bench/out/soak-baseline.json' : 'bench/out/soak.json',
      `${JSON.stringify({ at: new Date().toISOString(), ...soak, pass }, null, 2)}\n`,
    );
    soakOver = true;
    await shutdown(pass ? 0 : 1);
  }

  async function pipelineSections(results) {
    // (d) end to end first, on empty queues
    log(`(d) end to end: ${E2E_COUNT} notifications → HTTP sink`);
    const e2eStart = Date.now();
    const batches = [];
    for (let i = 0; i < E2E_COUNT; i += 1000) {
      const n = Math.min(1000, E2E_COUNT - i);
      batches.push(
        fetch(`${BASE}/v1/notifications/bulk`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({
            notifications: Array.from({ length: n }, () => ({ ...oneNotification(), category: 'e2e' })),
          }),
        }).then((r) => r.json()),
      );
    }
    const accepted = (await Promise.all(batches)).reduce((s, r) => s + r.accepted, 0);
    const e2eDone = await drain(pg, 300_000);
    const e2eSeconds = (e2eDone - e2eStart) / 1000;
    const e2eStats = (
      await pg.query(`SELECT count(*) FILTER (WHERE d.status = 'sent') AS sent, count(*) AS total,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.sent_at - n.created_at)) AS p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.sent_at - n.created_at)) AS p99
      FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.category = 'e2e'`)
    ).rows[0];
    results.e2e = {
      accepted,
      sent: Number(e2eStats.sent),
      seconds: +e2eSeconds.toFixed(2),
      deliveriesPerSecond: +(Number(e2eStats.sent) / e2eSeconds).toFixed(1),
      acceptToSentP50Ms: Math.round(Number(e2eStats.p50) * 1000),
      acceptToSentP99Ms: Math.round(Number(e2eStats.p99) * 1000),
    };
    log(JSON.stringify(results.e2e));

    // (b) baseline, then (a) ours, same concurrency and duration
    log(`(b) baseline: bare INSERT, concurrency ${CONCURRENCY}, ${SECONDS}s`);
    results.baseline = await closedLoop({
      makeRequest: () => ({
        url: `${BASE}/bench/baseline`,
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(oneNotification()),
        },
      }),
      expectStatus: 201,
      concurrency: CONCURRENCY,
      durationMs: SECONDS * 1000,
    });
    log(JSON.stringify(results.baseline));

    log(`(a) POST /v1/notifications, concurrency ${CONCURRENCY}, ${SECONDS}s`);
    results.send = await closedLoop({
      makeRequest: () => ({
        url: `${BASE}/v1/notifications`,
        init: { method: 'POST', headers: auth, body: JSON.stringify(oneNotification()) },
      }),
      expectStatus: 202,
      concurrency: CONCURRENCY,
      durationMs: SECONDS * 1000,
    });
    results.ratio = +(results.send.rps / results.baseline.rps).toFixed(2);
    log(JSON.stringify(results.send));
    await drain(pg, 300_000);

    // (e) latency at half the maximum load of (a)
    const halfRate = Math.max(1, Math.floor(results.send.rps / 2));
    log(`(e) POST /v1/notifications open loop at ${halfRate} req/s (half of max), ${SECONDS}s`);
    results.halfLoad = {
      rate: halfRate,
      ...(await openLoop({
        makeRequest: () => ({
          url: `${BASE}/v1/notifications`,
          init: { method: 'POST', headers: auth, body: JSON.stringify(oneNotification()) },
        }),
        expectStatus: 202,
        rate: halfRate,
        durationMs: SECONDS * 1000,
      })),
    };
    log(JSON.stringify(results.halfLoad));
    await drain(pg, 300_000);

    // (c) bulk accept rate
    log(`(c) bulk: 1,000 per request, concurrency 2, ${SECONDS}s`);
    const bulkBody = () => JSON.stringify({ notifications: Array.from({ length: 1000 }, oneNotification) });
    const bulk = await closedLoop({
      makeRequest: () => ({
        url: `${BASE}/v1/notifications/bulk`,
        init: { method: 'POST', headers: auth, body: bulkBody() },
      }),
      expectStatus: 202,
      concurrency: 2,
      durationMs: SECONDS * 1000,
    });
    results.bulk = { ...bulk, acceptedPerSecond: +(bulk.rps * 1000).toFixed(0) };
    log(JSON.stringify(results.bulk));

    // (f) template rendering in workerd, parse cache warm, after the bulk deliveries have drained
    await drain(pg, 300_000);
    log('(f) render: price-drop email with layout, 2,000 renders');
    results.render = await (await fetch(`${BASE}/bench/render?n=2000`)).json();
    log(JSON.stringify(results.render));
  }

  // (i) in-app inbox: send → WebSocket receipt, on quiet queues
  if (!ONLY || ONLY === 'inbox') {
    log('(i) inbox: send → WebSocket receipt, 100 connected clients × 5 rounds');
    results.inbox = await measureInboxLatency({
      base: BASE,
      auth,
      pg,
      tenantId: signup.tenant.id,
      log,
      clients: Number(process.env.BENCH_INBOX_CLIENTS ?? 100),
    });
    log(JSON.stringify(results.inbox));
  }
  if (ONLY === 'inbox') {
    console.log(JSON.stringify({ inbox: results.inbox }, null, 2));
    await shutdown(0);
  }

  // (j) analytics over 1M seeded deliveries: roll-up and the dashboard's reads
  if (!ONLY || ONLY === 'analytics') {
    const count = Number(process.env.BENCH_ANALYTICS_DELIVERIES ?? 1_000_000);
    log(`(j) analytics: ${count} seeded deliveries, roll-up, summary and timeseries`);
    const analyticsTenant = await (
      await fetch(`${BASE}/v1/tenants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Analytics bench', email: 'analytics@bench.test' }),
      })
    ).json();
    results.analytics = await measureAnalytics({
      base: BASE,
      auth: { authorization: `Bearer ${analyticsTenant.apiKey.key}` },
      pg,
      tenantId: analyticsTenant.tenant.id,
      log,
      count,
    });
    log(JSON.stringify(results.analytics));
  }
  if (ONLY === 'analytics') {
    console.log(JSON.stringify({ analytics: results.analytics }, null, 2));
    await shutdown(0);
  }

  // (w1)–(w5) workflows, on quiet queues
  if (!ONLY || ONLY === 'workflows') {
    await drain(pg, 300_000);
    results.workflows = await measureWorkflows({
      base: BASE,
      auth,
      pg,
      tenantId: signup.tenant.id,
      log,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      topicMembers: Number(process.env.BENCH_WORKFLOW_TOPIC ?? 10_000),
    });
  }
  if (ONLY === 'workflows') {
    console.log(JSON.stringify({ workflows: results.workflows }, null, 2));
    await shutdown(0);
  }

  // (g) scheduled sends: lateness against sendAt, through the accept-time and the cron hand-over
  log('(g) scheduled sends: 400 over the next 95 s, cron triggered as Cloudflare would');
  results.scheduled = await measureScheduledLateness({ base: BASE, auth, pg, sink: SINK, log });

  // (h) broadcast fan-out to a topic
  const fanoutMembers = Number(process.env.BENCH_FANOUT ?? 20_000);
  log(`(h) broadcast to a topic of ${fanoutMembers} subscribers`);
  results.fanout = await measureFanout({
    base: BASE,
    auth,
    pg,
    sink: SINK,
    log,
    tenantId: signup.tenant.id,
    members: fanoutMembers,
  });

  if (ONLY) console.log(JSON.stringify({ scheduled: results.scheduled, fanout: results.fanout }, null, 2));
  else writeResults(results);
  await shutdown(0);
} catch (err) {
  console.error(err);
  await shutdown(1);
}

/** Waits until no delivery is queued or sending; returns the time the last one was sent. */
async function drain(client, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE status IN ('queued','sending')) AS pending, max(sent_at) AS last FROM deliveries`,
    );
    if (Number(rows[0].pending) === 0) return rows[0].last ? new Date(rows[0].last).getTime() : Date.now();
    if (Date.now() > deadline)
      throw new Error(`${rows[0].pending} deliveries still pending after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function writeResults(r) {
  fs.mkdirSync('bench/out', { recursive: true });
  fs.writeFileSync('bench/out/results.json', `${JSON.stringify(r, null, 2)}\n`);
  const check = (ok) => (ok ? 'met' : 'NOT met');
  const rows = [
    [
      'API POST /v1/notifications',
      `${r.send.rps} req/s, p50 ${r.send.p50} ms, p99 ${r.send.p99} ms (c=${CONCURRENCY})`,
      '–',
      '',
    ],
    ['Baseline bare INSERT', `${r.baseline.rps} req/s, p50 ${r.baseline.p50} ms, p99 ${r.baseline.p99} ms`, '–', ''],
    ['Ratio ours / baseline', `${r.ratio}`, '≥ 0.6', check(r.ratio >= 0.6)],
    [
      'API p99 at half max load',
      `${r.halfLoad.p99} ms at ${r.halfLoad.rate} req/s (p50 ${r.halfLoad.p50} ms)`,
      '≤ 25 ms',
      check(r.halfLoad.p99 <= 25),
    ],
    [
      'Bulk accepted',
      `${r.bulk.acceptedPerSecond} notifications/s`,
      '≥ 20,000/s',
      check(r.bulk.acceptedPerSecond >= 20000),
    ],
    [
      'End to end (API → HTTP sink)',
      `${r.e2e.deliveriesPerSecond} deliveries/s (${r.e2e.sent}/${r.e2e.accepted} sent)`,
      '≥ 1,000/s',
      check(r.e2e.deliveriesPerSecond >= 1000),
    ],
    ['Accept → sent latency', `p50 ${r.e2e.acceptToSentP50Ms} ms, p99 ${r.e2e.acceptToSentP99Ms} ms`, '–', ''],
    [
      'Scheduled send lateness (sent − sendAt)',
      `p50 ${r.scheduled.latenessP50Ms} ms, p99 ${r.scheduled.latenessP99Ms} ms, max ${r.scheduled.latenessMaxMs} ms (${r.scheduled.sent}/${r.scheduled.scheduled})`,
      'p99 ≤ 2 s',
      check(r.scheduled.latenessP99Ms <= 2000 && r.scheduled.sent === r.scheduled.scheduled),
    ],
    [
      `Broadcast fan-out (${r.fanout.members} subscribers)`,
      `accepted in ${r.fanout.acceptMs} ms; fanned out at ${r.fanout.fanoutPerSecond}/s (${r.fanout.fanoutSeconds} s); delivered ${r.fanout.delivered} at ${r.fanout.deliveredPerSecond}/s`,
      '–',
      '',
    ],
    [
      `Inbox: send → WebSocket receipt (${r.inbox.clients} clients)`,
      `p50 ${r.inbox.p50Ms} ms, p99 ${r.inbox.p99Ms} ms, max ${r.inbox.maxMs} ms (${r.inbox.received}/${r.inbox.sent} received)`,
      'p99 ≤ 100 ms',
      check(r.inbox.p99Ms <= 100 && r.inbox.received === r.inbox.sent),
    ],
    [
      `Analytics over ${r.analytics.deliveries.toLocaleString('en')} deliveries`,
      `summary ${r.analytics.summaryMs} ms, daily series ${r.analytics.timeseriesDayMs} ms, hourly series ${r.analytics.timeseriesHourMs} ms (roll-up ${r.analytics.rollupMs} ms → ${r.analytics.rollupRows} rows)`,
      '< 1 s',
      check(Math.max(r.analytics.summaryMs, r.analytics.timeseriesDayMs, r.analytics.timeseriesHourMs) < 1000),
    ],
    ...workflowRows(r.workflows, check),
    [
      'Template render (cached, email + layout; batch means of 20)',
      `mean ${r.render.meanMs.toFixed(3)} ms, p50 ${r.render.p50Ms.toFixed(3)} ms, p99 ${r.render.p99Ms.toFixed(3)} ms`,
      'p99 ≤ 1 ms',
      check(r.render.p99Ms <= 1),
    ],
  ];
  const table = [
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  const md = `# Benchmark results

Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${r.machine.cpus} cores, ${r.machine.model}, Node ${r.machine.node}).
Everything runs on this one machine: PostgreSQL, the Neon proxy, workerd (wrangler dev), the HTTP sink and the
load generator share the same cores. Raw figures: \`bench/out/results.json\` (not committed).

${table}
`;
  fs.writeFileSync('bench/RESULTS.md', md);
}

function workflowRows(w, check) {
  const t = w.triggers;
  return [
    [
      'Workflow triggers, 1 recipient',
      `${t.single.rps} req/s = runs/s, p50 ${t.single.p50} ms, p99 ${t.single.p99} ms (c=${t.single.concurrency})`,
      '–',
      '',
    ],
    [
      'Workflow triggers, 100 recipients',
      `${t.hundred.runsPerSecond} runs/s (${t.hundred.rps} req/s, p50 ${t.hundred.p50} ms, p99 ${t.hundred.p99} ms, c=${t.hundred.concurrency}); all ${t.completed.runs} runs completed at ${t.completed.runsPerSecond}/s`,
      '–',
      '',
    ],
    [
      'Workflow delay 5s lateness (finished − wakeAt)',
      `p50 ${w.delay.latenessP50Ms} ms, p99 ${w.delay.latenessP99Ms} ms, max ${w.delay.latenessMaxMs} ms (${w.delay.woken}/${w.delay.triggered} runs, 200 started over 5 s); the send after it accepted p50 ${w.delay.acceptedAfterWakeP50Ms} ms, p99 ${w.delay.acceptedAfterWakeP99Ms} ms after wakeAt`,
      'p99 ≤ 2 s',
      check(w.delay.latenessP99Ms <= 2000 && w.delay.woken === w.delay.triggered),
    ],
    ...[w.digestLatenessLight, w.digestLateness].map((d) => [
      `Workflow digest flush lateness (finished − closes_at), ${d.triggered} events over 2.5 s`,
      `p50 ${d.latenessP50Ms} ms, p99 ${d.latenessP99Ms} ms, max ${d.latenessMaxMs} ms (${d.flushed}/${d.windows} windows of 5 s for ${d.pairs} (subscriber, key) pairs); the flush p99 ${d.afterLastJoinP99Ms} ms after the later of the end and the window's last join; the send accepted p99 ${d.acceptedAfterEndP99Ms} ms after the end`,
      'p99 ≤ 2 s',
      check(d.latenessP99Ms <= 2000 && d.flushed === d.windows),
    ]),
    [
      `Workflow digest exactness (${w.digestExact.triggers} triggers, ${w.digestExact.burst} at a time, one key)`,
      `${w.digestExact.verdict}: ${w.digestExact.windows} windows, ${w.digestExact.flushers} flushers + ${w.digestExact.digested} digested, counts sum ${w.digestExact.events}; ${w.digestExact.retried503} 503s retried`,
      'exact',
      check(w.digestExact.exact),
    ],
    ...(w.topic
      ? [
          [
            `Workflow to a topic (${w.topic.members} subscribers)`,
            `all runs completed in ${w.topic.completedSeconds} s = ${w.topic.runsPerSecond} runs/s (runs started within ${w.topic.runsStartedSeconds} s)`,
            '–',
            '',
          ],
        ]
      : []),
  ];
}
