import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/context';
import type { SubscriberRow } from '../../src/db/schema';
import { advanceRun } from '../../src/domain/workflows/engine/advance-run';
import { loadPublishedWorkflow } from '../../src/domain/workflows/manage-workflows';
import { startRuns } from '../../src/domain/workflows/trigger';
import { mapWithConcurrency } from '../../src/lib/concurrency';
import { urlPolicyFor } from '../../src/lib/ssrf-guard';
import { api, createTenant, testDb, testEnv } from '../helpers/api';
import { publishWorkflow } from '../helpers/workflows';

/**
 * Exactness under concurrency. Runs are started in bulk through the domain (one insert + queue messages, as a
 * trigger does), and the test also advances every run itself at the same time as the real queue consumer: each
 * run is processed at least twice, concurrently, which is what a redelivering queue does at worst.
 */
const ctx = createAppContext(testEnv, { test: 'workflows.exactness' });

async function subscriber(key: string, tenantId: string, id: string): Promise<SubscriberRow> {
  await api('PUT', `/v1/subscribers/${id}`, { key, body: {} });
  const rows = await testDb().execute(
    sql`SELECT * FROM subscribers WHERE tenant_id = ${tenantId} AND external_id = ${id}`,
  );
  const r = rows.rows[0] as Record<string, unknown>;
  return { ...r, id: r.id, externalId: r.external_id, tenantId, timezone: r.timezone } as unknown as SubscriberRow;
}

async function start(tenantId: string, workflow: string, subs: SubscriberRow[], data: Record<string, unknown>) {
  const accept = { ...ctx, tenantId, mode: 'test' as const, urlPolicy: urlPolicyFor(ctx.config) };
  const wf = (await loadPublishedWorkflow(ctx.db, tenantId, workflow))!;
  const runs = await startRuns(accept, wf, { data, actor: null, cancellationKey: null, sendAt: null }, subs);
  // Every run also advanced here, racing the queue consumer's copy of its message (six at a time: the
  // connections one Worker invocation may hold open). A copy that loses a lock conflict (Postgres aborts one side
  // of a deadlock) rolls back whole, exactly as a consumer's would; the queue's copy then carries the run.
  await mapWithConcurrency(runs, 6, (r) => advanceRun(ctx, tenantId, r.id).catch(() => undefined));
  return runs.map((r) => r.id);
}

async function waitAllFinished(tenantId: string, count: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM workflow_runs WHERE tenant_id = ${tenantId} AND status NOT IN ('running', 'waiting')`);
    if (rows.rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows.rows[0]!.n} of ${count} runs finished`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const digestWorkflow = (key: string, window: string) => ({
  key,
  name: key,
  steps: [
    { id: 'collect', type: 'digest', window, key: 'data.threadId' },
    { id: 'notify', type: 'send', channel: 'in_app', content: { title: '{{ digest.count }} comments' } },
  ],
});

describe('workflow exactness', { timeout: 180_000 }, () => {
  it('1,000 concurrent triggers for one (subscriber, key), some at the closing edge: one continuation per window, counts sum to 1,000', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, digestWorkflow('burst', '2s'));
    const kim = await subscriber(t.key, t.tenantId, 'kim');
    const waves = [400, 300, 300];
    const started = Date.now();
    const ids: string[] = [];
    // 400 in one instant (one insert: the same millisecond), 300 around the window's end, 300 after it.
    ids.push(...(await start(t.tenantId, 'burst', Array(waves[0]).fill(kim), { threadId: 't1' })));
    await new Promise((r) => setTimeout(r, Math.max(0, started + 1900 - Date.now())));
    ids.push(...(await start(t.tenantId, 'burst', Array(waves[1]).fill(kim), { threadId: 't1' })));
    await new Promise((r) => setTimeout(r, Math.max(0, started + 2600 - Date.now())));
    ids.push(...(await start(t.tenantId, 'burst', Array(waves[2]).fill(kim), { threadId: 't1' })));
    expect(new Set(ids).size).toBe(1000);
    await waitAllFinished(t.tenantId, 1000);

    const db = testDb();
    const windows = (
      await db.execute<{ id: string; status: string; count: number; flusher: string }>(sql`
        SELECT id, status, count, flusher_run_id AS flusher FROM workflow_digest_windows WHERE tenant_id = ${t.tenantId}`)
    ).rows;
    const runs = (
      await db.execute<{ status: string; n: number }>(sql`
        SELECT status, count(*)::int AS n FROM workflow_runs WHERE tenant_id = ${t.tenantId} GROUP BY status`)
    ).rows;
    const flushed = (
      await db.execute<{ run_id: string; count: number; window: string }>(sql`
        SELECT run_id, (output->>'count')::int AS count, output->>'windowId' AS window FROM workflow_step_results
        WHERE tenant_id = ${t.tenantId} AND step_id = 'collect' AND status = 'completed'`)
    ).rows;
    const notifications = (
      await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM notifications WHERE tenant_id = ${t.tenantId}`)
    ).rows[0]!.n;

    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(windows.every((w) => w.status === 'closed')).toBe(true);
    expect(windows.reduce((sum, w) => sum + w.count, 0)).toBe(1000);
    // One continuation per window: its flusher, with the window's exact count, and one notification each.
    expect(flushed).toHaveLength(windows.length);
    for (const w of windows) {
      const f = flushed.filter((x) => x.window === w.id);
      expect(f, `window ${w.id}`).toEqual([{ run_id: w.flusher, count: w.count, window: w.id }]);
    }
    expect(notifications).toBe(windows.length);
    expect(Object.fromEntries(runs.map((r) => [r.status, r.n]))).toEqual({
      completed: windows.length,
      digested: 1000 - windows.length,
    });
  });

  it('keys, subscribers and tenants never share a window', async () => {
    const tenants = [await createTenant(), await createTenant()];
    const scopes: { tenantId: string; sub: SubscriberRow; thread: string }[] = [];
    for (const t of tenants) {
      await publishWorkflow(t.key, digestWorkflow('mixed', '2s'));
      for (const name of ['ann', 'bo']) {
        const sub = await subscriber(t.key, t.tenantId, name);
        for (const thread of ['x', 'y']) scopes.push({ tenantId: t.tenantId, sub, thread });
      }
    }
    // 8 scopes × 40 runs, all started at once.
    await Promise.all(
      scopes.map((s) =>
        start(s.tenantId, 'mixed', Array(40).fill(s.sub), { threadId: s.thread, who: s.sub.externalId }),
      ),
    );
    for (const t of tenants) await waitAllFinished(t.tenantId, 160);
    const windows = (
      await testDb().execute<{
        tenant_id: string;
        subscriber_id: string;
        digest_key: string;
        count: number;
        events: any[];
      }>(sql`
        SELECT tenant_id, subscriber_id, digest_key, count, events FROM workflow_digest_windows
        WHERE tenant_id IN (${tenants[0]!.tenantId}, ${tenants[1]!.tenantId})`)
    ).rows;
    for (const s of scopes) {
      const mine = windows.filter(
        (w) => w.tenant_id === s.tenantId && w.subscriber_id === s.sub.id && w.digest_key === `test:${s.thread}`,
      );
      expect(
        mine.reduce((sum, w) => sum + w.count, 0),
        `${s.sub.externalId}/${s.thread}`,
      ).toBe(40);
      for (const w of mine) {
        for (const e of w.events) expect([e.data.who, e.data.threadId]).toEqual([s.sub.externalId, s.thread]);
      }
    }
  });

  it('a throttle under 200 concurrent runs lets exactly its limit through; another subscriber has its own count', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, {
      key: 'limited',
      name: 'limited',
      steps: [
        { id: 'gate', type: 'throttle', limit: 7, window: '1h' },
        { id: 'notify', type: 'send', channel: 'in_app', content: { title: 'hello' } },
      ],
    });
    const kim = await subscriber(t.key, t.tenantId, 'kim');
    const lee = await subscriber(t.key, t.tenantId, 'lee');
    await Promise.all([
      start(t.tenantId, 'limited', Array(200).fill(kim), {}),
      start(t.tenantId, 'limited', Array(5).fill(lee), {}),
    ]);
    await waitAllFinished(t.tenantId, 205);
    const rows = (
      await testDb().execute<{ recipient: string; status: string; n: number }>(sql`
        SELECT recipient, status, count(*)::int AS n FROM workflow_runs WHERE tenant_id = ${t.tenantId}
        GROUP BY recipient, status ORDER BY recipient, status`)
    ).rows;
    expect(rows).toEqual([
      { recipient: 'kim', status: 'completed', n: 7 },
      { recipient: 'kim', status: 'throttled', n: 193 },
      { recipient: 'lee', status: 'completed', n: 5 },
    ]);
    const notifications = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM notifications WHERE tenant_id = ${t.tenantId}`);
    expect(notifications.rows[0]!.n).toBe(12);
  });
});
