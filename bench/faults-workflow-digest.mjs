// The workflow-digest-db-outage fault of bench/faults.mjs: digest windows that end while PostgreSQL is down.
//
// K subscribers × M threads = K·M digest windows (6 s each, key data.threadId) → a webhook-channel send to the
// subscriber's own address at the stand-in. N runs (N/K trigger calls) start over the first 3 s; PostgreSQL is
// then stopped until every window has passed its end (≥ 8 s), so each window's flush wake meets the dead database
// and must come back through the queue's retry. Triggers made during the outage (and refused) are retried
// afterwards with the same Idempotency-Key, as a client would. Everything is then accounted for from the database
// and from the receiver (faults-workflow-account.mjs).
import fs from 'node:fs';
import { accountDigests } from './faults-workflow-account.mjs';

const K = 10;
const M = 2;
const WINDOW_SECONDS = 6;
const SPREAD_MS = 3000;
const MIN_OUTAGE_MS = 8000;
const WORKFLOW = 'digest-outage';
const RETRY_LOG = 'workflow run could not advance; retrying';
/** Runs at most (the full run's N is 3,000): what `wrangler dev` starts in 3 s, and ≤ 100 events per window. */
const MAX_RUNS = 300;

/** The harness's helpers (bench/faults.mjs) this fault needs. */
export async function workflowDigestDbOutage(h) {
  const { api, pg, db, createTenant, standIns, sleep, log, cron, STAND_IN, RUN, DRAIN_TIMEOUT_MS, wranglerLog } = h;
  const N = Math.min(h.N, MAX_RUNS);
  const receiver = `wfdig-${RUN}`;
  const t = await createTenant(receiver);
  const subs = Array.from({ length: K }, (_, k) => `s${k}`);
  for (const s of subs) {
    const res = await api('PUT', `/v1/subscribers/${s}`, {
      key: t.key,
      body: { channels: { webhookUrl: `${STAND_IN}/hooks/${receiver}/${s}` } },
    });
    if (res.status !== 201) throw new Error(`subscriber ${res.status}: ${JSON.stringify(res.body)}`);
  }
  await publish(api, t.key);

  // N runs from N/K trigger calls spread over the first 3 s, each naming all K subscribers, threads in turn (one run
  // per call would not fit: wrangler dev serves ~15 triggers a second here).
  const accepted = new Map(); // run id → Idempotency-Key of the trigger that made it
  const refused = [];
  const calls = Math.ceil(N / K);
  const triggerBody = (i) => ({ to: subs, data: { threadId: `t${i % M}`, i } });
  const trigger = (idem, body) =>
    api('POST', `/v1/workflows/${WORKFLOW}/trigger`, { key: t.key, body, headers: { 'idempotency-key': idem } });
  const take = (idem, body, res) => {
    if (res.status === 202) for (const run of res.body.runs) accepted.set(run.id, idem);
    else refused.push({ idem, body, status: res.status });
  };
  const started = Date.now();
  await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      await sleep(Math.max(0, started + (i * SPREAD_MS) / calls - Date.now()));
      const idem = `${receiver}-${i}`;
      take(idem, triggerBody(i), await trigger(idem, triggerBody(i)));
    }),
  );
  const spreadSeconds = (Date.now() - started) / 1000;
  // Every run at its digest step (opened or joined) before the database goes, so the windows are the K·M planned.
  const reachDeadline = Date.now() + 5000;
  while ((await atDigest(pg, t.tenantId)) < accepted.size && Date.now() < reachDeadline) await sleep(100);
  const before = await pg.query(
    `SELECT count(*)::int AS n, min(closes_at) AS first, max(closes_at) AS last
       FROM workflow_digest_windows WHERE tenant_id = $1 AND status = 'open'`,
    [t.tenantId],
  );
  const lastClose = Date.parse(before.rows[0].last ?? new Date().toISOString());
  const retriesBefore = retryLines(wranglerLog).length;

  log(
    `  ${accepted.size} runs from ${calls} triggers in ${spreadSeconds.toFixed(1)} s, ${before.rows[0].n} windows open; stopping PostgreSQL`,
  );
  const outageStart = Date.now();
  await db.stopServer();
  const samples = [];
  let j = 0;
  // Down for ≥ 8 s and until a second after the last window's end: every window ends during the outage.
  while (Date.now() < Math.max(outageStart + MIN_OUTAGE_MS, lastClose + 1000)) {
    const idem = `${receiver}-outage-${j}`;
    const body = { to: subs[j % K], data: { threadId: `t${j % M}`, i: 1_000_000 + j } };
    j++;
    const probes = [
      ['POST /v1/workflows/{key}/trigger', trigger(idem, body)],
      ['GET /v1/workflow-runs/{id}', api('GET', `/v1/workflow-runs/${[...accepted.keys()][0]}`, { key: t.key })],
      ['GET /v1/workflow-runs', api('GET', '/v1/workflow-runs?limit=5', { key: t.key })],
    ];
    for (const [call, p] of probes) {
      const res = await p;
      samples.push({
        call,
        status: res.status,
        code: res.body?.error?.code ?? null,
        requestId: res.body?.error?.requestId,
      });
      if (call.startsWith('POST')) take(idem, body, res);
    }
    await sleep(1000);
  }
  await db.startServer();
  const outageEnd = Date.now();
  log(
    `  PostgreSQL back after ${((outageEnd - outageStart) / 1000).toFixed(1)} s; retrying ${refused.length} triggers`,
  );

  for (const { idem, body } of refused) {
    for (let attempt = 0; ; attempt++) {
      const res = await trigger(idem, body);
      if (res.status === 202) {
        take(idem, body, res);
        break;
      }
      if (attempt > 30) throw new Error(`retry of ${idem} still ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(1000);
    }
  }

  const wait = await settle({ pg, sleep, log, cron, tenantId: t.tenantId, timeoutMs: DRAIN_TIMEOUT_MS });
  const r = await accountDigests({ pg, standIns, tenantId: t.tenantId, receiver, runIds: [...accepted.keys()] });
  const flushers = new Set(r.windowRows.map((w) => w.flusher_run_id));
  const retried = retryLines(wranglerLog).slice(retriesBefore);
  const windowsEndedInOutage = r.windowRows.filter(
    (w) => Date.parse(w.closes_at) > outageStart && Date.parse(w.closes_at) < outageEnd,
  ).length;
  const byStatus = {};
  for (const s of samples) {
    const k = `${s.status}${s.code ? ` ${s.code}` : ''}`;
    byStatus[k] = (byStatus[k] ?? 0) + 1;
  }
  const bad = samples.filter(
    (s) => s.status >= 500 && !(s.status === 503 && s.code === 'service_unavailable' && s.requestId),
  );
  const { windowRows, ...figures } = r;
  return {
    ...figures,
    wait,
    triggerCalls: calls,
    spreadSeconds,
    outageSeconds: +((outageEnd - outageStart) / 1000).toFixed(1),
    windowsEndedInOutage,
    flushWakesRetried: new Set(retried.filter((id) => flushers.has(id))).size,
    workflowRetryLogLines: retried.length,
    apiSamples: byStatus,
    apiBadResponses: bad.length,
    retriedAfterOutage: refused.length,
    ok:
      r.delivered === r.sent &&
      r.problems.length === 0 &&
      bad.length === 0 &&
      windowsEndedInOutage > 0 &&
      !wait.timedOut,
  };
}

async function publish(api, key) {
  const created = await api('POST', '/v1/workflows', {
    key,
    body: {
      key: WORKFLOW,
      name: 'Digest through a database outage',
      steps: [
        { id: 'collect', type: 'digest', window: `${WINDOW_SECONDS}s`, key: 'data.threadId' },
        {
          id: 'notify',
          type: 'send',
          channel: 'webhook',
          // The receiver reads the count and every digested run from the body, so it can check each window itself.
          content: { title: '{{ digest.count }}', body: '{{ digest.events | map: "runId" | join: " " }}' },
        },
      ],
    },
  });
  if (created.status !== 201) throw new Error(`workflow ${created.status}: ${JSON.stringify(created.body)}`);
  const published = await api('POST', `/v1/workflows/${WORKFLOW}/publish`, { key });
  if (published.status !== 200) throw new Error(`publish ${published.status}: ${JSON.stringify(published.body)}`);
}

async function atDigest(pg, tenantId) {
  const { rows } = await pg.query(
    `SELECT count(*)::int AS n FROM workflow_step_results WHERE tenant_id = $1 AND step_id = 'collect'`,
    [tenantId],
  );
  return rows[0].n;
}

/** Run ids of the consumer's "retrying" lines in the wrangler log so far. */
function retryLines(file) {
  const text = readLog(file);
  return text
    .split('\n')
    .filter((l) => l.includes(RETRY_LOG))
    .map((l) => /"runId":"([^"]+)"/.exec(l)?.[1])
    .filter(Boolean);
}

function readLog(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Until no run is running or waiting, no window open and no delivery queued or sending; cron each minute. */
async function settle({ pg, sleep, log, cron, tenantId, timeoutMs }) {
  const started = Date.now();
  let lastCron = Date.now();
  let lastLog = 0;
  let crons = 0;
  for (;;) {
    if (Date.now() - lastCron >= 60_000) {
      lastCron = Date.now();
      crons++;
      await cron();
    }
    const { rows } = await pg.query(
      `SELECT (SELECT count(*)::int FROM workflow_runs WHERE tenant_id = $1 AND status IN ('running','waiting')) AS runs,
              (SELECT count(*)::int FROM workflow_digest_windows WHERE tenant_id = $1 AND status = 'open') AS windows,
              (SELECT count(*)::int FROM deliveries WHERE tenant_id = $1 AND status IN ('queued','sending')) AS deliveries`,
      [tenantId],
    );
    const p = rows[0];
    const seconds = (Date.now() - started) / 1000;
    if (p.runs + p.windows + p.deliveries === 0) return { seconds, timedOut: false, cronRuns: crons };
    if (Date.now() - started > timeoutMs) return { seconds, timedOut: true, cronRuns: crons, pending: p };
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  waiting: ${JSON.stringify(p)}`);
    }
    await sleep(500);
  }
}
