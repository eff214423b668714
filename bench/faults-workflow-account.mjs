// Accounting for the workflow-digest-db-outage fault (bench/faults-workflow-digest.mjs), from Postgres and from what
// the receiver (the stand-in) accepted.

const DELIVERED = new Set(['sent', 'delivered']);
const ACTIVE = new Set(['running', 'waiting']);

/**
 * Every accepted trigger (one run each) is an event. An event is delivered when its run id is in the body of a
 * digest the receiver accepted; failed or dead-lettered when its window's send ended so with a reason (or its run
 * failed); anything else is lost. Duplicates: a run named by two accepted digests, a delivery accepted twice, a
 * window flushed or notified more than once, a run no accepted trigger names (a trigger accepted twice).
 * `problems` names every broken invariant with up to five rows that show it.
 */
export async function accountDigests({ pg, standIns, tenantId, receiver, runIds }) {
  const q = async (sql) => (await pg.query(sql, [tenantId])).rows;
  const runs = await q(`SELECT id, status, error, recipient, data->>'threadId' AS thread, current_step
                          FROM workflow_runs WHERE tenant_id = $1`);
  const windows = await q(`SELECT id, subscriber_id, digest_key, status, count, opener_run_id, flusher_run_id, events,
                                  closes_at, closed_at
                             FROM workflow_digest_windows WHERE tenant_id = $1 ORDER BY closes_at`);
  const flushes = await q(`SELECT run_id, output->>'windowId' AS window_id, (output->>'count')::int AS count
                             FROM workflow_step_results
                            WHERE tenant_id = $1 AND step_id = 'collect' AND status = 'completed'`);
  const sends = await q(`SELECT run_id, status, reason, notification_id FROM workflow_step_results
                          WHERE tenant_id = $1 AND step_id = 'notify'`);
  const deliveries = await q(`SELECT n.id AS notification_id, d.id, d.status, d.last_error
                                FROM notifications n
                                LEFT JOIN deliveries d ON d.notification_id = n.id AND d.tenant_id = n.tenant_id
                               WHERE n.tenant_id = $1`);

  const problems = [];
  const problem = (what, rows) => problems.push({ what, n: rows.length, rows: rows.slice(0, 5) });
  let duplicates = 0;

  const calls = (standIns.requests.get(receiver) ?? []).map((r) => {
    const body = JSON.parse(r.body);
    return {
      deliveryId: body.id,
      status: r.status,
      count: Number(body.content?.title),
      runIds: String(body.content?.body ?? '')
        .split(' ')
        .filter(Boolean),
    };
  });
  const accepts = new Map();
  for (const c of calls.filter((c) => c.status >= 200 && c.status < 300)) {
    accepts.set(c.deliveryId, [...(accepts.get(c.deliveryId) ?? []), c]);
  }

  // Runs: one per accepted trigger, all finished, none failed.
  const accepted = new Set(runIds);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const missing = runIds.filter((id) => !runById.has(id));
  if (missing.length) problem('accepted trigger without its run', missing);
  const extra = runs.filter((r) => !accepted.has(r.id));
  if (extra.length) problem('run that no accepted trigger names', extra);
  duplicates += extra.length;
  const unfinished = runs.filter((r) => ACTIVE.has(r.status));
  if (unfinished.length) problem('run still running or waiting', unfinished);
  const failedRuns = runs.filter((r) => r.status === 'failed');
  if (failedRuns.length) problem('failed run', failedRuns);
  const runStatuses = {};
  for (const r of runs) runStatuses[r.status] = (runStatuses[r.status] ?? 0) + 1;

  // Windows: closed, flushed once by their flusher with their count, one notification, one delivery, one accept.
  const deliveriesOf = new Map();
  for (const d of deliveries) deliveriesOf.set(d.notification_id, [...(deliveriesOf.get(d.notification_id) ?? []), d]);
  const windowOf = new Map();
  const outcomeOf = new Map();
  let deliveriesSent = 0;
  for (const w of windows) {
    const events = w.events.map((e) => e.runId);
    for (const id of events) windowOf.set(id, w);
    if (w.status !== 'closed') problem('window still open', [w]);
    if (events.length !== w.count) problem('window whose events are not its count', [{ ...w, events }]);
    const fl = flushes.filter((f) => f.window_id === w.id);
    if (fl.length > 1) duplicates += fl.length - 1;
    if (fl.length !== 1 || fl[0].run_id !== w.flusher_run_id || fl[0].count !== w.count) {
      problem('window not flushed exactly once, by its flusher, with its count', [{ window: w, flushes: fl }]);
    }
    const send = sends.find((s) => s.run_id === w.flusher_run_id);
    const ds = send?.notification_id ? (deliveriesOf.get(send.notification_id) ?? []).filter((d) => d.id) : [];
    if (ds.length !== 1) problem('window without exactly one delivery', [{ window: w.id, send, deliveries: ds }]);
    const d = ds[0];
    outcomeOf.set(w.id, d ?? send ?? null);
    if (d && DELIVERED.has(d.status)) deliveriesSent++;
    const got = d ? (accepts.get(d.id) ?? []) : [];
    if (got.length > 1) duplicates += got.length - 1;
    if (got.length !== 1) problem('window digest not accepted exactly once', [{ window: w.id, delivery: d, got }]);
    const named = [...(got[0]?.runIds ?? [])].sort().join(' ');
    if (got[0] && (got[0].count !== w.count || named !== [...events].sort().join(' '))) {
      problem('digest body differs from its window', [{ window: w.id, count: w.count, body: got[0] }]);
    }
  }
  const windowIds = new Set(windows.map((w) => w.id));
  const strayFlushes = flushes.filter((f) => !windowIds.has(f.window_id));
  if (strayFlushes.length) problem('flush of an unknown window', strayFlushes);
  const flusherNotifications = new Set(
    sends.filter((s) => windows.some((w) => w.flusher_run_id === s.run_id)).map((s) => s.notification_id),
  );
  const strayNotifications = [...deliveriesOf.keys()].filter((id) => !flusherNotifications.has(id));
  if (strayNotifications.length) problem('notification from no window flush', strayNotifications);
  duplicates += strayNotifications.length;
  const sumOfWindowCounts = windows.reduce((s, w) => s + w.count, 0);
  if (sumOfWindowCounts !== accepted.size) {
    problem('sum of window counts is not the number of accepted triggers', [
      { sumOfWindowCounts, accepted: accepted.size },
    ]);
  }

  // Events, from the receiver's side.
  const namedBy = new Map();
  for (const got of accepts.values()) for (const id of got[0].runIds) namedBy.set(id, (namedBy.get(id) ?? 0) + 1);
  const unknown = [...namedBy.keys()].filter((id) => !accepted.has(id));
  if (unknown.length) problem('digest names a run no accepted trigger made', unknown);
  const out = { sent: accepted.size, delivered: 0, failed: 0, deadLettered: 0, retrying: 0, lost: 0, lostDetails: [] };
  for (const id of accepted) {
    const n = namedBy.get(id) ?? 0;
    if (n >= 1) {
      out.delivered++;
      duplicates += n - 1;
      continue;
    }
    const w = windowOf.get(id);
    const end = w ? outcomeOf.get(w.id) : runById.get(id);
    const reason = end?.last_error?.code ?? end?.reason ?? end?.error?.code;
    if (end?.status === 'dead_lettered') out.deadLettered++;
    else if (end?.status === 'failed' && reason) out.failed++;
    else {
      out.lost++;
      out.lostDetails.push({ runId: id, run: runById.get(id) ?? null, window: w?.id ?? null, end: end ?? null });
    }
  }
  out.lostDetails = out.lostDetails.slice(0, 20);
  return {
    ...out,
    duplicates,
    windows: windows.length,
    windowsClosed: windows.filter((w) => w.status === 'closed').length,
    sumOfWindowCounts,
    windowCounts: windows.map((w) => w.count),
    flushes: flushes.length,
    notifications: deliveriesOf.size,
    deliveriesSent,
    receiverCalls: calls.length,
    digestsAccepted: accepts.size,
    runStatuses,
    problems,
    windowRows: windows,
  };
}
