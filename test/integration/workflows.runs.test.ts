import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/context';
import { fanOutChunk } from '../../src/domain/broadcasts/fan-out';
import { api, createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { createEndpoint, hasType, ofType, waitForEvents } from '../helpers/webhooks';
import { finished, publishWorkflow, stepOf, tenantWithWorkflow, trigger, waitForRun } from '../helpers/workflows';

const inApp = (title: string) => ({ id: 'hello', type: 'send', channel: 'in_app', content: { title } });

describe('workflow runs', { timeout: 120_000 }, () => {
  it('a run stays pinned to the version it started with while a new one is published', async () => {
    const t = await tenantWithWorkflow({
      key: 'pinned',
      name: 'Pinned',
      steps: [{ id: 'wait', type: 'delay', duration: '2s' }, inApp('v1 for {{ name }}')],
    });
    const old = await trigger(t.key, 'pinned', { to: 'kim', data: { name: 'Kim' } });
    expect(old.version).toBe(1);
    const edited = await api('PATCH', '/v1/workflows/pinned', {
      key: t.key,
      body: { steps: [inApp('v2 for {{ name }}')] },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await api('POST', '/v1/workflows/pinned/publish', { key: t.key })).body.publishedVersion).toBe(2);
    const fresh = await trigger(t.key, 'pinned', { to: 'kim', data: { name: 'Kim' } });
    expect(fresh.version).toBe(2);

    const [a, b] = await Promise.all([old, fresh].map((r) => waitForRun(t.key, r.runs[0]!.id, finished)));
    expect([a.version, a.steps.map((s: any) => s.stepId)]).toEqual([1, ['wait', 'hello']]);
    expect([b.version, b.steps.map((s: any) => s.stepId)]).toEqual([2, ['hello']]);
    const titles = await Promise.all(
      [a, b].map(async (r) => {
        const n = await api('GET', `/v1/notifications/${stepOf(r, 'hello').notificationId}`, { key: t.key });
        return n.body.content.title;
      }),
    );
    expect(titles).toEqual(['v1 for Kim', 'v2 for Kim']);
  });

  it('run events reach webhook endpoints: completed and canceled', async () => {
    const t = await createTenant();
    const ep = await createEndpoint(t.key, { events: ['workflow_run.completed', 'workflow_run.canceled'] });
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    await publishWorkflow(t.key, { key: 'quick', name: 'Quick', steps: [inApp('hi')] });
    await publishWorkflow(t.key, {
      key: 'slow',
      name: 'Slow',
      steps: [{ id: 'wait', type: 'delay', duration: '1h' }, inApp('later')],
    });
    const done = await trigger(t.key, 'quick', { to: 'kim' });
    const parked = await trigger(t.key, 'slow', { to: 'kim', cancellationKey: 'c-1' });
    await waitForRun(t.key, parked.runs[0]!.id, (r) => r.status === 'waiting');
    expect(
      (await api('POST', '/v1/workflow-runs/cancel', { key: t.key, body: { cancellationKey: 'c-1' } })).body,
    ).toEqual({
      canceled: 1,
    });
    const events = await waitForEvents(
      ep.name,
      ep.secret,
      (e) => hasType('workflow_run.completed')(e) && hasType('workflow_run.canceled')(e),
    );
    expect(ofType('workflow_run.completed')(events)[0]!.payload.data).toMatchObject({
      runId: done.runs[0]!.id,
      workflow: 'quick',
      version: 1,
      subscriberId: 'kim',
      status: 'completed',
    });
    expect(ofType('workflow_run.canceled')(events)[0]!.payload.data).toMatchObject({
      runId: parked.runs[0]!.id,
      status: 'canceled',
      cancellationKey: 'c-1',
    });
    const listed = await api('GET', '/v1/workflow-runs?workflow=slow&status=canceled', { key: t.key });
    expect(listed.body.data.map((r: any) => r.id)).toEqual([parked.runs[0]!.id]);
  });

  it('a topic trigger fans out in chunks, one run per member; a repeated chunk starts nothing twice', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, { key: 'announce', name: 'Announce', steps: [inApp('news')] });
    expect((await api('POST', '/v1/topics', { key: t.key, body: { key: 'all', name: 'All' } })).status).toBe(201);
    const db = testDb();
    // 250 members; the tenant's send rate of 100/s makes fan-out chunks of 100, so the trigger takes three chunks.
    await db.execute(sql`UPDATE tenants SET broadcast_rate_per_second = 100 WHERE id = ${t.tenantId}`);
    await db.execute(sql`
      WITH s AS (
        INSERT INTO subscribers (id, tenant_id, external_id)
        SELECT nk_prefixed_ulid('sub'), ${t.tenantId}, 'member-' || g FROM generate_series(1, 250) g RETURNING id)
      INSERT INTO topic_subscribers (tenant_id, topic_id, subscriber_id)
      SELECT ${t.tenantId}, (SELECT id FROM topics WHERE tenant_id = ${t.tenantId} AND key = 'all'), id FROM s`);
    const started = await trigger(t.key, 'announce', { to: { topic: 'all' }, data: { edition: 7 } });
    expect(started.runs).toEqual([]);
    const broadcastId = started.broadcastId!;
    const count = async (status?: string) =>
      (
        await db.execute<{ n: number }>(sql`
          SELECT count(DISTINCT subscriber_id)::int AS n FROM workflow_runs
          WHERE tenant_id = ${t.tenantId} AND broadcast_id = ${broadcastId} ${status ? sql`AND status = ${status}` : sql``}`)
      ).rows[0]!.n;
    await expect.poll(() => count('completed'), { timeout: 90_000, interval: 500 }).toBe(250);
    const broadcast = await api('GET', `/v1/broadcasts/${broadcastId}`, { key: t.key });
    expect(broadcast.body.status).toBe('completed');
    const chunks = await db.execute<{ chunks: number }>(sql`SELECT chunks FROM broadcasts WHERE id = ${broadcastId}`);
    expect(chunks.rows[0]!.chunks).toBe(3);

    // The fan-out chain runs again from the start (a redelivered chain): the dedupe keys start nothing new.
    await db.execute(sql`UPDATE broadcasts SET status = 'fanning_out', cursor = NULL WHERE id = ${broadcastId}`);
    const ctx = createAppContext(testEnv, { test: 'topic-trigger' });
    await fanOutChunk(ctx, t.tenantId, broadcastId);
    const total = await db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM workflow_runs WHERE tenant_id = ${t.tenantId}`);
    expect(total.rows[0]!.n).toBe(250);
  });

  it('refuses before writing anything: unknown or unpublished workflow, unknown subscriber, reserved or missing data', async () => {
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
    await api('POST', '/v1/templates', {
      key: t.key,
      body: {
        key: 'hello',
        name: 'Hello',
        defaultLocale: 'en',
        variables: ['name'],
        locales: { en: { in_app: { title: 'Hi {{ name }}' } } },
      },
    });
    await api('POST', '/v1/templates/hello/publish', { key: t.key });
    await publishWorkflow(t.key, {
      key: 'greet',
      name: 'Greet',
      steps: [
        { id: 'wait', type: 'delay', duration: '1h' },
        { id: 'greet', type: 'send', channel: 'in_app', template: 'hello' },
      ],
    });
    await api('POST', '/v1/workflows', { key: t.key, body: { key: 'draft', name: 'Draft', steps: [inApp('x')] } });
    const refuse = async (path: string, body: unknown, detail: { path: string; code: string }) => {
      const err = expectEnvelope(await api('POST', path, { key: t.key, body }), 422, 'validation_failed');
      expect(err.details).toContainEqual(expect.objectContaining(detail));
    };
    await refuse('/v1/workflows/nope/trigger', { to: 'kim' }, { path: 'key', code: 'unknown_workflow' });
    await refuse('/v1/workflows/draft/trigger', { to: 'kim' }, { path: 'key', code: 'unknown_workflow' });
    await refuse(
      '/v1/workflows/greet/trigger',
      { to: ['kim', 'ghost'], data: { name: 'K' } },
      { path: 'body.to', code: 'unknown_subscriber' },
    );
    await refuse(
      '/v1/workflows/greet/trigger',
      { to: 'kim', data: { name: 'K', digest: 1 } },
      { path: 'body.data.digest', code: 'reserved_name' },
    );
    await refuse(
      '/v1/workflows/greet/trigger',
      { to: 'kim', data: {} },
      { path: 'body.data.name', code: 'missing_variable' },
    );
    const runs = await api('GET', '/v1/workflow-runs', { key: t.key });
    expect(runs.body.data).toEqual([]);
  });

  it('erasing a subscriber removes their runs and windows, and redacts them from the digests of others', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, {
      key: 'threads',
      name: 'Threads',
      steps: [{ id: 'collect', type: 'digest', window: '1h' }, inApp('{{ digest.count }}')],
    });
    await api('PUT', '/v1/subscribers/gone', { key: t.key, body: { email: 'gone@example.test' } });
    await api('PUT', '/v1/subscribers/stays', { key: t.key, body: {} });
    const own = await trigger(t.key, 'threads', { to: 'gone', data: { note: 'mine' } });
    const theirs = await trigger(t.key, 'threads', { to: 'stays', actor: { email: 'gone@example.test' } });
    await waitForRun(t.key, own.runs[0]!.id, (r) => r.status === 'waiting');
    await waitForRun(t.key, theirs.runs[0]!.id, (r) => r.status === 'waiting');

    const erased = await api('DELETE', '/v1/subscribers/gone?erase=true', { key: t.key });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect((await api('GET', `/v1/workflow-runs/${own.runs[0]!.id}`, { key: t.key })).status).toBe(404);
    const kept = await api('GET', `/v1/workflow-runs/${theirs.runs[0]!.id}`, { key: t.key });
    expect(kept.body.status).toBe('waiting');
    expect(JSON.stringify(kept.body)).not.toContain('gone@example.test');
    const windows = await testDb().execute<{ events: string }>(sql`
      SELECT events::text FROM workflow_digest_windows WHERE tenant_id = ${t.tenantId}`);
    expect(windows.rows).toHaveLength(1);
    expect(windows.rows[0]!.events).not.toContain('gone@example.test');
  });
});
