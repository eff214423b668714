// Bench sections for workflow digests (issue 21): flush lateness over many windows, exactness under a burst.
import { call, publishWorkflow, seedSubscribers, settle } from './workflow-setup.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ms = (seconds) => Math.round(Number(seconds) * 1000);

/** The windows of a workflow's digest step, and how late each flusher went on after its window's end. */
async function windowStats(pg, workflowId) {
  return (
    await pg.query(
      `SELECT count(*) AS windows, count(*) FILTER (WHERE w.status = 'closed') AS closed, sum(w.count) AS events,
         count(s.finished_at) AS flushed,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.finished_at - w.closes_at)) AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.finished_at - w.closes_at)) AS p99,
         max(extract(epoch FROM s.finished_at - w.closes_at)) AS max,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - w.closes_at)) AS a99,
         percentile_cont(0.99) WITHIN GROUP (
           ORDER BY extract(epoch FROM s.finished_at - greatest(w.closes_at, j.last))) AS h99
       FROM workflow_digest_windows w
       LEFT JOIN LATERAL (SELECT max(x.finished_at) AS last FROM workflow_step_results x
         WHERE x.tenant_id = w.tenant_id AND x.step_id = w.step_id AND x.status = 'digested'
           AND x.output->>'windowId' = w.id) j ON true
       LEFT JOIN workflow_step_results s ON s.run_id = w.flusher_run_id AND s.step_id = w.step_id AND s.status = 'completed'
       LEFT JOIN workflow_step_results t ON t.run_id = w.flusher_run_id AND t.step_id = 'inbox'
       LEFT JOIN notifications n ON n.tenant_id = w.tenant_id AND n.id = t.notification_id
       WHERE w.workflow_id = $1`,
      [workflowId],
    )
  ).rows[0];
}

/**
 * (w3) Windows of 5 s for `subscribers` × 2 keys: `rounds` triggers per (subscriber, key), `gapMs` apart, each call
 * naming 100 subscribers. Lateness = the flusher's digest step finished_at − the window's closes_at.
 */
export async function measureDigestLateness({
  base,
  auth,
  pg,
  tenantId,
  log,
  sendStep,
  subscribers = 100,
  rounds = 5,
  gapMs = 500,
  label = 'burst',
  prefix = 'wfd',
}) {
  log(
    `(w3 ${label}) digest flush lateness: windows of 5s for ${subscribers} subscribers × 2 keys, ${rounds} events each`,
  );
  const subs = await seedSubscribers(pg, tenantId, prefix, subscribers);
  const id = await publishWorkflow(base, auth, `bench-digest-${label}`, [
    { id: 'digest', type: 'digest', window: '5s', key: 'data.thread' },
    { ...sendStep, content: { title: 'Digest', body: '{{ digest.count }} new in {{ thread }}' } },
  ]);
  let triggered = 0;
  for (let round = 0; round < rounds; round++) {
    const t0 = Date.now();
    for (const thread of ['a', 'b']) {
      for (let i = 0; i < subs.length; i += 100) {
        const to = subs.slice(i, i + 100);
        await call(
          base,
          auth,
          'POST',
          `/v1/workflows/bench-digest-${label}/trigger`,
          { to, data: { thread, n: round } },
          202,
        );
        triggered += to.length;
      }
    }
    await sleep(Math.max(0, t0 + gapMs - Date.now()));
  }
  const done = await settle(pg, id, triggered, 180_000);
  const w = await windowStats(pg, id);
  const result = {
    label,
    pairs: subscribers * 2,
    triggered,
    byStatus: done.byStatus,
    windows: Number(w.windows),
    closed: Number(w.closed),
    flushed: Number(w.flushed),
    latenessP50Ms: ms(w.p50),
    latenessP99Ms: ms(w.p99),
    latenessMaxMs: ms(w.max),
    acceptedAfterEndP99Ms: ms(w.a99),
    // The engine's own part: from the later of the window's end and its last join to the flush.
    afterLastJoinP99Ms: ms(w.h99),
  };
  log(JSON.stringify(result));
  return result;
}

/**
 * (w4) `total` triggers for ONE (workflow, subscriber, key), as separate HTTP calls in bursts of `burst` concurrent
 * calls every `gapMs`, with a window of 3 s so that events land on closing edges. Exact when every window closed,
 * each was flushed by exactly one run, the windows' counts add up to `total` and digested runs + flushers = `total`.
 * A 503 (the local database proxy busy) is retried with the same Idempotency-Key and counted.
 */
export async function measureDigestExactness({
  base,
  auth,
  pg,
  tenantId,
  log,
  sendStep,
  total = 1000,
  burst = 100,
  gapMs = 150,
}) {
  log(
    `(w4) digest exactness: ${total} triggers for one subscriber and key, bursts of ${burst} every ${gapMs} ms, window 3s`,
  );
  const [subscriber] = await seedSubscribers(pg, tenantId, 'wfx', 1);
  const id = await publishWorkflow(base, auth, 'bench-exact', [
    { id: 'digest', type: 'digest', window: '3s' },
    { ...sendStep, content: { title: 'Digest', body: '{{ digest.count }} new' } },
  ]);
  const statuses = {};
  const calls = [];
  const t0 = Date.now();
  for (let i = 0; i < total; i += burst) {
    await sleep(Math.max(0, t0 + (i / burst) * gapMs - Date.now()));
    for (let j = i; j < Math.min(total, i + burst); j++) {
      calls.push(
        triggerWithRetry(
          `${base}/v1/workflows/bench-exact/trigger`,
          { ...auth, 'idempotency-key': `bench-exact-${j}` },
          { to: subscriber, data: { n: j } },
        ),
      );
    }
  }
  const outcomes = await Promise.all(calls);
  for (const { status } of outcomes) statuses[status] = (statuses[status] ?? 0) + 1;
  const retried503 = outcomes.reduce((n, o) => n + o.unavailable, 0);
  const accepted = statuses[202] ?? 0;
  log(JSON.stringify({ statuses, retried503, triggerSeconds: (Date.now() - t0) / 1000 }));
  let done;
  try {
    done = await settle(pg, id, accepted, 180_000);
  } catch (err) {
    // Reported as a miss with what was seen, so the other sections still run.
    const runs = (
      await pg.query('SELECT status, count(*) AS n FROM workflow_runs WHERE workflow_id = $1 GROUP BY 1', [id])
    ).rows;
    const byStatus = Object.fromEntries(runs.map((r) => [r.status, Number(r.n)]));
    const result = {
      triggers: total,
      statuses,
      retried503,
      byStatus,
      exact: false,
      verdict: `NOT exact: ${err.message}`,
    };
    log(JSON.stringify(result));
    return { ...result, windows: 0, events: 0, flushers: 0, digested: byStatus.digested ?? 0 };
  }
  const w = await windowStats(pg, id);
  const flushers = Number(
    (
      await pg.query(
        `SELECT count(*) AS n FROM workflow_step_results s JOIN workflow_runs r ON r.id = s.run_id
         WHERE r.workflow_id = $1 AND s.step_id = 'digest' AND s.status = 'completed'`,
        [id],
      )
    ).rows[0].n,
  );
  const windows = Number(w.windows);
  const digested = done.byStatus.digested ?? 0;
  const checks = {
    [`all ${total} triggers accepted (${accepted})`]: accepted === total,
    [`one run per accepted trigger (${done.runs} runs)`]: done.runs === accepted,
    [`every window closed (${w.closed}/${windows})`]: Number(w.closed) === windows,
    [`one flushing run per window (${flushers} flushers, ${w.flushed} windows flushed, ${windows} windows)`]:
      flushers === windows && Number(w.flushed) === windows,
    [`window counts add up to ${total} (${w.events})`]: Number(w.events) === total,
    [`digested + flushers = ${total} (${digested} + ${flushers})`]: digested + flushers === total,
    [`no run failed (${done.byStatus.failed ?? 0})`]: !done.byStatus.failed,
  };
  const misses = Object.entries(checks).flatMap(([what, ok]) => (ok ? [] : [what]));
  const result = {
    triggers: total,
    burst,
    statuses,
    retried503,
    byStatus: done.byStatus,
    windows,
    events: Number(w.events),
    flushers,
    digested,
    latenessP50Ms: ms(w.p50),
    latenessP99Ms: ms(w.p99),
    exact: misses.length === 0,
    verdict: misses.length === 0 ? 'exact' : `NOT exact: ${misses.join('; ')}`,
  };
  log(JSON.stringify(result));
  return result;
}

/**
 * One trigger; a 503 (the database refused a connection under the burst) is retried after its Retry-After, as a
 * client would, up to 5 times, under the same Idempotency-Key. Returns the final status and how many 503s it met.
 */
async function triggerWithRetry(url, auth, body) {
  let unavailable = 0;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'POST', headers: auth, body: JSON.stringify(body) }).catch(() => null);
    await res?.arrayBuffer();
    const status = res ? res.status : 'network';
    if (status !== 503 || attempt === 5) return { status, unavailable };
    unavailable++;
    const after = Math.min(2, Number(res.headers.get('retry-after') ?? 1) || 1);
    await sleep(after * 1000 * (0.5 + Math.random()));
  }
}
