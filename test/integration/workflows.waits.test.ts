import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/context';
import { advanceRun } from '../../src/domain/workflows/engine/advance-run';
import worker from '../../src/index';
import { api, testDb, testEnv } from '../helpers/api';
import { finished, stepOf, tenantWithWorkflow, trigger, waitForRun } from '../helpers/workflows';

const inApp = { id: 'hello', type: 'send', channel: 'in_app', content: { title: 'hello' } };

describe('workflow waits', { timeout: 60_000 }, () => {
  it('a delay beyond the queue’s 12 h reach waits in the database and the due-scan cron wakes it', async () => {
    const t = await tenantWithWorkflow({
      key: 'later',
      name: 'Later',
      steps: [{ id: 'wait', type: 'delay', duration: '13h' }, inApp],
    });
    const run = (await trigger(t.key, 'later', { to: 'kim' })).runs[0]!.id;
    await waitForRun(t.key, run, (r) => r.status === 'waiting');
    const db = testDb();
    const parked = await db.execute<{ enqueued: boolean }>(sql`
      SELECT enqueued_at IS NOT NULL AS enqueued FROM workflow_runs WHERE id = ${run}`);
    expect(parked.rows[0]!.enqueued).toBe(false);

    // 13 hours pass: the wake is now 2 s away, and only the cron knows.
    const soon = new Date(Date.now() + 2000).toISOString();
    await db.execute(sql`UPDATE workflow_runs SET wake_at = ${soon} WHERE id = ${run}`);
    await db.execute(sql`
      UPDATE workflow_step_results SET output = jsonb_build_object('wakeAt', ${soon}::text)
      WHERE run_id = ${run} AND step_id = 'wait'`);
    await worker.scheduled(
      createScheduledController({ cron: '* * * * *', scheduledTime: new Date() }),
      testEnv,
      createExecutionContext(),
    );
    const done = await waitForRun(t.key, run, finished);
    expect(done.status).toBe('completed');
    expect(new Date(stepOf(done, 'wait').finishedAt).getTime()).toBeGreaterThanOrEqual(Date.parse(soon));
    expect(stepOf(done, 'hello').notificationId).toMatch(/^ntf_/);
  });

  it('a cancel wins over a digest window that has not closed: nothing is sent, the next event opens a new window', async () => {
    const t = await tenantWithWorkflow({
      key: 'batch',
      name: 'Batch',
      steps: [{ id: 'collect', type: 'digest', window: '3s' }, inApp],
    });
    const runs: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await trigger(t.key, 'batch', { to: 'kim', data: { n }, cancellationKey: 'thread-1' });
      runs.push(res.runs[0]!.id);
      await waitForRun(t.key, res.runs[0]!.id, (r) => r.status !== 'running');
    }
    const canceled = await api('POST', '/v1/workflow-runs/cancel', {
      key: t.key,
      body: { cancellationKey: 'thread-1' },
    });
    expect(canceled.body).toEqual({ canceled: 1 });
    await new Promise((r) => setTimeout(r, 4000));
    const settled = await Promise.all(runs.map((id) => waitForRun(t.key, id, finished)));
    expect(settled.map((r) => r.status)).toEqual(['canceled', 'digested', 'digested']);
    expect(stepOf(settled[0], 'hello')).toBeUndefined();
    const notifications = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM notifications WHERE tenant_id = ${t.tenantId}`);
    expect(notifications.rows[0]!.n).toBe(0);

    const next = (await trigger(t.key, 'batch', { to: 'kim', data: { n: 4 } })).runs[0]!.id;
    const flushed = await waitForRun(t.key, next, finished, 15_000);
    expect(flushed.status).toBe('completed');
    expect(stepOf(flushed, 'collect').output.count).toBe(1);
  });

  it('a digest window starts at its first event’s trigger and waits for the events a backlog still holds', async () => {
    const t = await tenantWithWorkflow({
      key: 'threads',
      name: 'Threads',
      steps: [{ id: 'collect', type: 'digest', window: '3s', key: 'data.thread' }, inApp],
    });
    // Parked for ten minutes, then made due in the past by hand: as if a backlog had held them that long. Only
    // this test advances them, so `late` stands for an event still queued when its window's end comes.
    const sendAt = new Date(Date.now() + 600_000).toISOString();
    const runs: string[] = [];
    for (const [n, thread] of [
      [1, 'x'],
      [2, 'x'],
      [3, 'y'],
      [4, 'x'],
    ] as const) {
      runs.push((await trigger(t.key, 'threads', { to: 'kim', data: { n, thread }, sendAt })).runs[0]!.id);
    }
    const [a, b, c, d] = runs as [string, string, string, string];
    const db = testDb();
    const now = Date.now();
    const due = (id: string, msAgo: number) =>
      db.execute(sql`UPDATE workflow_runs SET wake_at = ${new Date(now - msAgo).toISOString()} WHERE id = ${id}`);
    await due(a, 1000);
    await due(b, 1500); // triggered before a, reached the step after it: listed first all the same
    await due(c, 20_000); // a whole window late: its window still lasts 3 s, from now
    await due(d, 500); // triggered inside a's window, reached only after the window's end
    const ctx = createAppContext(testEnv, { test: 'workflows.waits' });
    for (const id of [a, b, c]) await advanceRun(ctx, t.tenantId, id);

    const windows = async () =>
      (
        await db.execute<{ key: string; closesMs: number; count: number; status: string }>(sql`
          SELECT digest_key AS key, count, status, (extract(epoch FROM closes_at) * 1000)::float8 AS "closesMs"
          FROM workflow_digest_windows WHERE tenant_id = ${t.tenantId} ORDER BY digest_key`)
      ).rows;
    const [x, y] = await windows();
    expect([x!.key, x!.count, y!.key, y!.count]).toEqual(['test:x', 2, 'test:y', 1]);
    expect(Math.round(x!.closesMs)).toBe(now - 1000 + 3000);
    expect(y!.closesMs).toBeGreaterThanOrEqual(now + 3000);

    // Past x's end (and a's wake on the timer lane): the window waits for d, still on its way.
    await new Promise((r) => setTimeout(r, Math.max(0, x!.closesMs + 1500 - Date.now())));
    expect((await windows())[0]!.status).toBe('open');
    await advanceRun(ctx, t.tenantId, d);
    // d was the last event the window waited for: its join woke the flusher in the same transaction (the same
    // now()) rather than leave it to its recheck; a flusher that has since ended has no wake left.
    const woken = await db.execute<{ byJoin: boolean }>(sql`
      SELECT r.wake_at IS NULL OR r.wake_at = s.finished_at AS "byJoin"
      FROM workflow_runs r, workflow_step_results s WHERE r.id = ${a} AND s.run_id = ${d} AND s.step_id = 'collect'`);
    expect(woken.rows[0]!.byJoin).toBe(true);

    const [flushed, joined, late, held] = await Promise.all(runs.map((id) => waitForRun(t.key, id, finished, 15_000)));
    expect([flushed.status, joined.status, late.status, held.status]).toEqual([
      'completed',
      'digested',
      'completed',
      'digested',
    ]);
    const digest = stepOf(flushed, 'collect').output;
    expect(digest.count).toBe(3);
    expect(digest.events.map((e: any) => e.data.n)).toEqual([2, 1, 4]);
    expect(stepOf(flushed, 'hello').notificationId).toMatch(/^ntf_/);
    expect(stepOf(late, 'collect').output.count).toBe(1);
  });
});
