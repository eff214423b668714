// Bench section for workflows (issue 21): trigger throughput, delay lateness, a topic of 10,000 run to completion.
// The digest measures (w3, w4) are in bench/workflow-digests.mjs. Sizes: BENCH_WORKFLOW_BATCH_CALLS (100-recipient
// calls, 30), BENCH_WORKFLOW_DELAY_RUNS (200), BENCH_WORKFLOW_DIGEST_SUBSCRIBERS (100, × 2 keys),
// BENCH_WORKFLOW_EXACT_BURST (concurrent calls in w4, 100), BENCH_WORKFLOW_TOPIC (10,000; 0 skips w5).
// BENCH_WORKFLOW_SECTIONS=w2,w3 runs only those sections.

import { closedLoop, openLoop } from './load.mjs';
import { measureDigestExactness, measureDigestLateness } from './workflow-digests.mjs';
import { call, publishWorkflow, seedSubscribers, settle } from './workflow-setup.mjs';

const ms = (seconds) => Math.round(Number(seconds) * 1000);
const SECTIONS = process.env.BENCH_WORKFLOW_SECTIONS?.split(',');
const want = (section) => !SECTIONS || SECTIONS.includes(section);

/**
 * (w1)–(w5). `concurrency` and `seconds` as the pipeline's (a). Subscribers are seeded in SQL; the tenant's in-app
 * per-recipient limit is lifted (the bench measures the engine, not the protective limits).
 */
export async function measureWorkflows({ base, auth, pg, tenantId, log, concurrency, seconds, topicMembers = 10_000 }) {
  await pg.query(
    `UPDATE tenants SET recipient_limits = coalesce(recipient_limits, '{}'::jsonb) || '{"in_app":{"limit":1000000,"periodSeconds":1}}',
       broadcast_rate_per_second = 1000000 WHERE id = $1`,
    [tenantId],
  );
  const subs = await seedSubscribers(pg, tenantId, 'wfb', 1000);
  const sendStep = { id: 'inbox', type: 'send', channel: 'in_app', content: { title: 'Hi', body: 'Hello {{ n }}' } };
  const results = {};

  if (want('w1')) {
    // (w1) triggers accepted per second
    const sendId = await publishWorkflow(base, auth, 'bench-send', [sendStep]);
    let seq = 0;
    const trigger = (to) => ({
      url: `${base}/v1/workflows/bench-send/trigger`,
      init: { method: 'POST', headers: auth, body: JSON.stringify({ to, data: { n: seq++ } }) },
    });
    log(`(w1) workflow triggers: single recipient, concurrency ${concurrency}, ${seconds}s`);
    const single = await closedLoop({
      makeRequest: () => trigger(subs[seq % subs.length]),
      expectStatus: 202,
      concurrency,
      durationMs: seconds * 1000,
    });
    log(JSON.stringify(single));
    // A fixed number of calls: every run must complete before (w2), and the engine completes far fewer runs per
    // second than this accepts.
    const batchConcurrency = Math.max(1, Math.floor(concurrency / 4));
    const batchCalls = Number(process.env.BENCH_WORKFLOW_BATCH_CALLS ?? 30);
    log(`(w1) workflow triggers: 100 recipients per call, concurrency ${batchConcurrency}, ${batchCalls} calls`);
    const hundred = await closedLoop({
      makeRequest: () => {
        const from = (seq * 100) % subs.length;
        return trigger(subs.slice(from, from + 100));
      },
      expectStatus: 202,
      concurrency: batchConcurrency,
      durationMs: seconds * 1000,
      maxRequests: batchCalls,
    });
    log(JSON.stringify(hundred));
    const w1Runs = single.requests + hundred.requests * 100;
    const w1Done = await settle(pg, sendId, w1Runs, 900_000);
    results.triggers = {
      single: { ...single, concurrency },
      hundred: { ...hundred, concurrency: batchConcurrency, runsPerSecond: Math.round(hundred.rps * 100) },
      completed: { ...w1Done, runsPerSecond: Math.round(w1Done.runs / w1Done.spanSeconds) },
    };
    log(JSON.stringify(results.triggers.completed));
  }
  if (want('w2')) {
    // (w2) delay lateness: wakeAt is fixed when the delay is reached, finished_at is when the wait ended (on the timer
    // lane); the send after it is accepted when the work lane gets to it (`acceptedAfterWake`)
    const delayRuns = Number(process.env.BENCH_WORKFLOW_DELAY_RUNS ?? 200);
    log(`(w2) delay lateness: ${delayRuns} runs of delay 5s → send in_app, started over 5 s`);
    const delayId = await publishWorkflow(base, auth, 'bench-delay', [
      { id: 'wait', type: 'delay', duration: '5s' },
      sendStep,
    ]);
    let d = 0;
    const delayed = await openLoop({
      makeRequest: () => ({
        url: `${base}/v1/workflows/bench-delay/trigger`,
        init: { method: 'POST', headers: auth, body: JSON.stringify({ to: subs[d++ % subs.length], data: { n: d } }) },
      }),
      expectStatus: 202,
      rate: delayRuns / 5,
      durationMs: 5000,
    });
    const delayDone = await settle(pg, delayId, delayed.requests, 180_000);
    const late = (
      await pg.query(
        `SELECT count(*) AS n,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99,
         max(l) AS max, min(l) AS min,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY a) AS a50, percentile_cont(0.99) WITHIN GROUP (ORDER BY a) AS a99
       FROM (SELECT extract(epoch FROM s.finished_at - (s.output->>'wakeAt')::timestamptz) AS l,
               extract(epoch FROM n.created_at - (s.output->>'wakeAt')::timestamptz) AS a
             FROM workflow_step_results s JOIN workflow_runs r ON r.id = s.run_id
             LEFT JOIN workflow_step_results t ON t.run_id = s.run_id AND t.step_id = 'inbox'
             LEFT JOIN notifications n ON n.tenant_id = r.tenant_id AND n.id = t.notification_id
             WHERE r.workflow_id = $1 AND s.step_id = 'wait' AND s.status = 'completed') x`,
        [delayId],
      )
    ).rows[0];
    results.delay = {
      triggered: delayed.requests,
      errors: delayed.errors,
      byStatus: delayDone.byStatus,
      woken: Number(late.n),
      latenessP50Ms: ms(late.p50),
      latenessP99Ms: ms(late.p99),
      latenessMaxMs: ms(late.max),
      latenessMinMs: ms(late.min),
      acceptedAfterWakeP50Ms: ms(late.a50),
      acceptedAfterWakeP99Ms: ms(late.a99),
    };
    log(JSON.stringify(results.delay));
  }
  if (want('w3')) {
    // (w3) digest flush lateness: at a rate this machine keeps up with (20 windows, 100 events over 2.5 s), then a
    // burst several times over it (200 windows, 1,000 events over 2.5 s), where windows wait for their events
    const digest = { base, auth, pg, tenantId, log, sendStep };
    results.digestLatenessLight = await measureDigestLateness({
      ...digest,
      subscribers: 10,
      label: 'light',
      prefix: 'wfl',
    });
    results.digestLateness = await measureDigestLateness({
      ...digest,
      subscribers: Number(process.env.BENCH_WORKFLOW_DIGEST_SUBSCRIBERS ?? 100),
    });
  }
  if (want('w4')) {
    const burst = Number(process.env.BENCH_WORKFLOW_EXACT_BURST ?? 100);
    results.digestExact = await measureDigestExactness({ base, auth, pg, tenantId, log, sendStep, burst });
  }

  // (w5) a topic of `topicMembers` subscribers to completion
  if (topicMembers === 0 || !want('w5')) return results;
  log(`(w5) workflow trigger to a topic of ${topicMembers} subscribers, until every run completed`);
  await seedSubscribers(pg, tenantId, 'wft', topicMembers);
  await pg.query(`INSERT INTO topics (id, tenant_id, key) VALUES ('top_wfbench0000000000000000000', $1, 'wf-bench')`, [
    tenantId,
  ]);
  await pg.query(
    `INSERT INTO topic_subscribers (tenant_id, topic_id, subscriber_id)
     SELECT $1, 'top_wfbench0000000000000000000', id FROM subscribers WHERE tenant_id = $1 AND external_id LIKE 'wft-%'`,
    [tenantId],
  );
  const topicId = await publishWorkflow(base, auth, 'bench-topic', [sendStep]);
  const started = Date.now();
  const accepted = await call(
    base,
    auth,
    'POST',
    '/v1/workflows/bench-topic/trigger',
    {
      to: { topic: 'wf-bench' },
      data: { n: 0 },
    },
    202,
  );
  const acceptMs = Date.now() - started;
  const topicDone = await settle(pg, topicId, topicMembers, 900_000);
  const last = (
    await pg.query(
      `SELECT max(created_at) AS created, max(finished_at) AS finished FROM workflow_runs WHERE workflow_id = $1`,
      [topicId],
    )
  ).rows[0];
  const completedSeconds = (new Date(last.finished).getTime() - started) / 1000;
  results.topic = {
    members: topicMembers,
    broadcastId: accepted.broadcastId,
    acceptMs,
    byStatus: topicDone.byStatus,
    runsStartedSeconds: +((new Date(last.created).getTime() - started) / 1000).toFixed(2),
    completedSeconds: +completedSeconds.toFixed(2),
    runsPerSecond: Math.round(Number(topicDone.byStatus.completed ?? 0) / completedSeconds),
  };
  log(JSON.stringify(results.topic));
  return results;
}
