import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { api, createTenant, testDb, testEnv } from '../helpers/api';
import { finished, publishWorkflow, stepOf, trigger, waitForRun } from '../helpers/workflows';

const inApp = { id: 'hello', type: 'send', channel: 'in_app', content: { title: 'hello' } };

describe('workflow waits', { timeout: 60_000 }, () => {
  it('a delay beyond the queue’s 12 h reach waits in the database and the due-scan cron wakes it', async () => {
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    await publishWorkflow(t.key, {
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
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    await publishWorkflow(t.key, {
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
});
