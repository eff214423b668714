// Shared by the workflow bench sections (bench/workflows.mjs, bench/workflow-digests.mjs): API calls, seeding, waits.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One JSON API call; throws unless it answers `expect`. */
export async function call(base, auth, method, path, body, expect) {
  const res = await fetch(`${base}${path}`, { method, headers: auth, body: body && JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates and publishes a workflow; returns its id. */
export async function publishWorkflow(base, auth, key, steps) {
  const created = await call(base, auth, 'POST', '/v1/workflows', { key, name: key, steps }, 201);
  await call(base, auth, 'POST', `/v1/workflows/${key}/publish`, {}, 200);
  return created.id;
}

/** `count` subscribers with external ids `<prefix>-<i>` (i from 0), seeded in SQL; returns the external ids. */
export async function seedSubscribers(pg, tenantId, prefix, count) {
  await pg.query(
    `INSERT INTO subscribers (id, tenant_id, external_id, channels)
     SELECT 'sub_' || $2 || lpad(g::text, 20, '0'), $1, $2 || '-' || g, '{}'::jsonb FROM generate_series(0, $3 - 1) g`,
    [tenantId, prefix, count],
  );
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/**
 * Waits until `expected` runs of a workflow exist and none is running or waiting; returns their tally by status and
 * the span from the first run created to the last finished.
 */
export async function settle(pg, workflowId, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pg.query(
      `SELECT status, count(*) AS n, min(created_at) AS first, max(finished_at) AS last
       FROM workflow_runs WHERE workflow_id = $1 GROUP BY status`,
      [workflowId],
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    const total = rows.reduce((s, r) => s + Number(r.n), 0);
    const active = (byStatus.running ?? 0) + (byStatus.waiting ?? 0);
    // Done when every run ended and the deliveries they made went out: the next measure starts on quiet queues.
    const pending = Number(
      (await pg.query(`SELECT count(*) AS n FROM deliveries WHERE status IN ('queued', 'sending')`)).rows[0].n,
    );
    if (total >= expected && active === 0 && pending === 0) {
      const first = Math.min(...rows.map((r) => new Date(r.first).getTime()));
      const last = Math.max(...rows.map((r) => new Date(r.last).getTime()));
      return { runs: total, byStatus, spanSeconds: +((last - first) / 1000).toFixed(2) };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `workflow ${workflowId}: ${total}/${expected} runs, ${active} still active after ${timeoutMs / 1000}s`,
      );
    }
    await sleep(250);
  }
}
