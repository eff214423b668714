import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { api, createTenant, expectEnvelope, type TestTenant, testDb, testEnv } from '../helpers/api';

async function runCron(scheduledTime: Date) {
  await worker.scheduled(
    createScheduledController({ cron: '* * * * *', scheduledTime }),
    testEnv,
    createExecutionContext(),
  );
}

/**
 * The cron processes every tenant's schedules, and other test files run it at the real time. So schedules here
 * start in 2027 (out of reach of those runs) and are deleted after each test (out of reach of the next test's
 * time travel).
 */
const created: { key: string; id: string }[] = [];
afterEach(async () => {
  for (const s of created.splice(0)) await api('DELETE', `/v1/schedules/${s.id}`, { key: s.key });
});

async function createSchedule(t: TestTenant, body: Record<string, unknown>) {
  const res = await api('POST', '/v1/schedules', {
    key: t.key,
    body: {
      name: 'digest',
      timezone: 'UTC',
      to: ['ada'],
      content: { subject: 'Digest', text: 'news' },
      startAt: '2027-01-01T00:00:00Z',
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  created.push({ key: t.key, id: res.body.id });
  return res.body;
}

async function withSubscriber(t: TestTenant) {
  await api('PUT', '/v1/subscribers/ada', { key: t.key, body: { email: `ada-${crypto.randomUUID()}@example.test` } });
}

const notificationsOf = async (tenantId: string, scheduleId: string) =>
  (
    await testDb().execute<{ id: string; dedupe_key: string }>(sql`
      SELECT id, dedupe_key FROM notifications WHERE tenant_id = ${tenantId} AND schedule_id = ${scheduleId}
      ORDER BY dedupe_key`)
  ).rows;

const setNextRun = (id: string, at: string) =>
  testDb().execute(sql`UPDATE schedules SET next_run_at = ${at}::timestamptz WHERE id = ${id}`);

describe('recurring schedules', () => {
  it('refuses bad timing with 422: bad cron, 6 fields, bad time zone, both forms, uneven every, endAt ≤ startAt', async () => {
    const t = await createTenant();
    const bad = [
      { cron: '61 * * * *' },
      { cron: '0 9 * * * *' },
      { cron: '0 9 * * 1-5', timezone: 'Mars/Olympus' },
      { cron: '0 9 * * 1-5', timezone: 'EST' },
      { cron: '0 9 * * *', every: '1d' },
      { every: '7m' },
      { every: '2d' },
      { every: 'daily' },
      {},
      { cron: '0 9 * * *', startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-01T00:00:00Z' },
      { cron: '0 9 * * *', to: { topic: 'bad topic!' } },
      { cron: '0 9 * * *', content: undefined },
    ];
    for (const timing of bad) {
      const res = await api('POST', '/v1/schedules', {
        key: t.key,
        body: { name: 'x', timezone: 'UTC', to: ['ada'], content: { text: 'x' }, ...timing },
      });
      expectEnvelope(res, 422, 'validation_failed');
    }
  });

  it('takes every `to` form a send takes: one subscriber id, one inline recipient, a list, a topic', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    await api('POST', '/v1/topics', { key: t.key, body: { key: 'weekly' } });
    const forms = [
      ['ada', ['ada']],
      [{ email: 'bo@example.test' }, [{ email: 'bo@example.test' }]],
      [
        ['ada', { phone: '+14155550123' }],
        ['ada', { phone: '+14155550123' }],
      ],
      [{ topic: 'weekly' }, { topic: 'weekly' }],
    ] as const;
    for (const [to, stored] of forms) {
      const s = await createSchedule(t, { cron: '0 9 * * *', to });
      expect(s.send.to).toEqual(stored);
    }
    const one = await createSchedule(t, { cron: '0 9 * * *', to: 'ada' });
    await setNextRun(one.id, '2027-06-02T09:00:00Z');
    await runCron(new Date('2027-06-02T09:00:00Z'));
    expect((await notificationsOf(t.tenantId, one.id)).map((r) => r.dedupe_key)).toEqual([
      `${one.id}@2027-06-02T09:00:00.000Z`,
    ]);
    const patched = await api('PATCH', `/v1/schedules/${one.id}`, {
      key: t.key,
      body: { to: { email: 'cy@example.test' } },
    });
    expect(patched.body.send.to).toEqual([{ email: 'cy@example.test' }]);
  });

  it('0 9 * * 1-5 in America/New_York runs at 09:00 local across both DST changes', async () => {
    const t = await createTenant();
    const s = await createSchedule(t, { cron: '0 9 * * 1-5', timezone: 'America/New_York' });
    expect(s.pattern).toBe('0 9 * * 1-5');
    const march = await api('GET', `/v1/schedules/${s.id}/next?count=3&after=2027-03-12T12:00:00Z`, { key: t.key });
    expect(march.body.runs).toEqual([
      { at: '2027-03-12T14:00:00.000Z', local: '2027-03-12T09:00' }, // EST, Friday
      { at: '2027-03-15T13:00:00.000Z', local: '2027-03-15T09:00' }, // EDT from Sunday 14 March
      { at: '2027-03-16T13:00:00.000Z', local: '2027-03-16T09:00' },
    ]);
    const november = await api('GET', `/v1/schedules/${s.id}/next?count=2&after=2027-11-04T14:00:00Z`, { key: t.key });
    expect(november.body.runs.map((r: any) => [r.at, r.local])).toEqual([
      ['2027-11-05T13:00:00.000Z', '2027-11-05T09:00'], // still EDT, Friday
      ['2027-11-08T14:00:00.000Z', '2027-11-08T09:00'], // EST again from Sunday 7 November
    ]);

    // Driven by the cron at a chosen time: the run on the first EDT Monday of 2027 fires at 13:00Z = 09:00 local.
    await withSubscriber(t);
    await setNextRun(s.id, '2027-03-15T13:00:00Z');
    await runCron(new Date('2027-03-15T12:59:00Z')); // not yet due
    expect(await notificationsOf(t.tenantId, s.id)).toEqual([]);
    await runCron(new Date('2027-03-15T13:00:00Z'));
    const runs = await notificationsOf(t.tenantId, s.id);
    expect(runs.map((r) => r.dedupe_key)).toEqual([`${s.id}@2027-03-15T13:00:00.000Z`]);
    const after = (await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body;
    expect(after).toMatchObject({ lastRunAt: '2027-03-15T13:00:00.000Z', nextRunAt: '2027-03-16T13:00:00.000Z' });
  });

  it('each occurrence creates its notification once, even when the cron run is replayed or runs twice', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    const s = await createSchedule(t, { cron: '0 * * * *' });
    await setNextRun(s.id, '2027-06-01T10:00:00Z');
    const at = new Date('2027-06-01T10:00:00Z');
    await Promise.all([runCron(at), runCron(at)]);
    await setNextRun(s.id, '2027-06-01T10:00:00Z'); // a replayed run that finds the old state again
    await runCron(at);
    expect(await notificationsOf(t.tenantId, s.id)).toHaveLength(1);
    expect((await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body.nextRunAt).toBe('2027-06-01T11:00:00.000Z');
  });

  it('after downtime only the latest missed occurrence runs; a refused occurrence is recorded and skipped', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    const s = await createSchedule(t, { cron: '*/10 * * * *' });
    await setNextRun(s.id, '2027-06-01T08:00:00Z');
    await runCron(new Date('2027-06-01T10:55:00Z')); // 17 runs missed
    expect((await notificationsOf(t.tenantId, s.id)).map((r) => r.dedupe_key)).toEqual([
      `${s.id}@2027-06-01T10:50:00.000Z`,
    ]);
    expect((await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body).toMatchObject({
      lastRunAt: '2027-06-01T10:55:00.000Z', // when it fired
      nextRunAt: '2027-06-01T11:00:00.000Z',
    });

    await api('DELETE', '/v1/subscribers/ada', { key: t.key });
    await runCron(new Date('2027-06-01T11:00:00Z'));
    const refused = (await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body;
    expect(refused.lastError).toMatchObject({ code: 'validation_failed', at: '2027-06-01T11:00:00.000Z' });
    expect(refused.nextRunAt).toBe('2027-06-01T11:10:00.000Z');
  });

  it('a missed run fires once when the cron comes back, even just before the next slot; lastRunAt is never ahead', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    const s = await createSchedule(t, { cron: '*/10 * * * *' });
    await setNextRun(s.id, '2027-06-01T08:00:00Z');
    const back = new Date('2027-06-01T10:59:30Z');
    await runCron(back);
    expect((await notificationsOf(t.tenantId, s.id)).map((r) => r.dedupe_key)).toEqual([
      `${s.id}@2027-06-01T10:50:00.000Z`,
    ]);
    const after = (await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body;
    expect(after).toMatchObject({ lastRunAt: back.toISOString(), nextRunAt: '2027-06-01T11:00:00.000Z' });
    await runCron(new Date('2027-06-01T10:59:45Z')); // the next slot is not claimed ahead of its time
    expect(await notificationsOf(t.tenantId, s.id)).toHaveLength(1);
    expect((await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body.lastRunAt).toBe(back.toISOString());
  });

  it('a budget stop holds a schedule like downtime: refused runs are recorded, the latest fires once it lifts', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    const s = await createSchedule(t, { cron: '*/10 * * * *' });
    await setNextRun(s.id, '2027-06-01T10:00:00Z');
    const stop = (month: string | null) =>
      testDb().execute(sql`UPDATE tenants SET budget_stopped_month = ${month} WHERE id = ${t.tenantId}`);
    await stop(new Date().toISOString().slice(0, 7));
    await runCron(new Date('2027-06-01T10:00:00Z'));
    await runCron(new Date('2027-06-01T10:10:00Z'));
    const held = (await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body;
    expect(held).toMatchObject({
      lastRunAt: null,
      nextRunAt: '2027-06-01T10:00:00.000Z',
      lastError: { code: 'budget_exceeded', at: '2027-06-01T10:10:00.000Z' },
    });
    expect(await notificationsOf(t.tenantId, s.id)).toEqual([]);
    await stop(null);
    await runCron(new Date('2027-06-01T10:25:00Z'));
    expect((await notificationsOf(t.tenantId, s.id)).map((r) => r.dedupe_key)).toEqual([
      `${s.id}@2027-06-01T10:20:00.000Z`,
    ]);
    expect((await api('GET', `/v1/schedules/${s.id}`, { key: t.key })).body).toMatchObject({
      lastRunAt: '2027-06-01T10:25:00.000Z',
      nextRunAt: '2027-06-01T10:30:00.000Z',
      lastError: null,
    });
  });

  it('pause stops runs; resume continues from now; every 1d is anchored at startAt in the zone', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    const s = await createSchedule(t, { every: '1d', timezone: 'Europe/Berlin', startAt: '2027-12-01T07:30:00Z' });
    expect(s.pattern).toBe('30 8 * * *'); // 07:30Z is 08:30 in Berlin (CET)
    expect(s.nextRunAt).toBe('2027-12-01T07:30:00.000Z');
    const paused = await api('POST', `/v1/schedules/${s.id}/pause`, { key: t.key });
    expect(paused.body.paused).toBe(true);
    await setNextRun(s.id, '2027-06-01T06:30:00Z');
    await runCron(new Date('2027-06-01T06:30:00Z'));
    expect(await notificationsOf(t.tenantId, s.id)).toHaveLength(0);
    const resumed = await api('POST', `/v1/schedules/${s.id}/resume`, { key: t.key });
    expect(resumed.body.paused).toBe(false);
    expect(resumed.body.nextRunAt).toBe('2027-12-01T07:30:00.000Z'); // not before startAt
    const summer = await api('GET', `/v1/schedules/${s.id}/next?count=1&after=2028-07-01T00:00:00Z`, { key: t.key });
    expect(summer.body.runs[0]).toEqual({ at: '2028-07-01T06:30:00.000Z', local: '2028-07-01T08:30' }); // CEST
    const patched = await api('PATCH', `/v1/schedules/${s.id}`, { key: t.key, body: { cron: '0 12 * * 0' } });
    expect(patched.body).toMatchObject({ cron: '0 12 * * 0', every: null, pattern: '0 12 * * 0' });
  });

  it('a schedule to a topic starts a broadcast per occurrence, once', async () => {
    const t = await createTenant();
    await withSubscriber(t);
    await api('POST', '/v1/topics', { key: t.key, body: { key: 'weekly' } });
    await api('PUT', '/v1/topics/weekly/subscribers', { key: t.key, body: { subscribers: ['ada'] } });
    const s = await createSchedule(t, { cron: '0 9 * * 1', to: { topic: 'weekly' } });
    await setNextRun(s.id, '2027-06-07T09:00:00Z'); // a Monday
    await runCron(new Date('2027-06-07T09:00:00Z'));
    await setNextRun(s.id, '2027-06-07T09:00:00Z');
    await runCron(new Date('2027-06-07T09:00:00Z'));
    const list = await api('GET', '/v1/broadcasts', { key: t.key });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ scheduleId: s.id, topic: 'weekly' });
  });

  it("another tenant's key sees 404 on every schedule route and an empty list", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const s = await createSchedule(a, { cron: '0 9 * * *' });
    for (const [method, path, body] of [
      ['GET', `/v1/schedules/${s.id}`],
      ['PATCH', `/v1/schedules/${s.id}`, { name: 'mine' }],
      ['DELETE', `/v1/schedules/${s.id}`],
      ['POST', `/v1/schedules/${s.id}/pause`],
      ['POST', `/v1/schedules/${s.id}/resume`],
      ['GET', `/v1/schedules/${s.id}/next`],
    ] as [string, string, unknown?][]) {
      expectEnvelope(await api(method, path, { key: b.key, ...(body ? { body } : {}) }), 404, 'not_found');
    }
    expect((await api('GET', '/v1/schedules', { key: b.key })).body.data).toEqual([]);
    expect((await api('DELETE', `/v1/schedules/${s.id}`, { key: a.key })).status).toBe(204);
  });
});
