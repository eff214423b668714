import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { newId } from '../../src/lib/ids';
import { api, createLiveTenant, createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { allDeliveries, waitForNotification } from '../helpers/stand-ins';
import { createEndpoint, hasType, ofType, waitForEvents } from '../helpers/webhooks';

const HOUR = 3_600_000;

async function rollUp() {
  await worker.scheduled(
    createScheduledController({ cron: '0 * * * *', scheduledTime: new Date() }),
    testEnv,
    createExecutionContext(),
  );
}

/** Deliveries written straight into the tenant's history, `hoursAgo` hours back (inside the re-rolled window). */
async function seed(tenantId: string, hoursAgo: number) {
  const created = new Date(Date.now() - hoursAgo * HOUR);
  const at = (ms: number) => new Date(created.getTime() + ms).toISOString();
  const notificationId = newId('ntf');
  const rows = [
    { channel: 'email', status: 'sent', provider: 'smtp', sentAt: at(40), cost: 0.1 },
    { channel: 'email', status: 'sent', provider: 'smtp', sentAt: at(300), cost: 0.1, opened: at(5000) },
    {
      channel: 'email',
      status: 'delivered',
      provider: 'smtp',
      sentAt: at(800),
      deliveredAt: at(2000),
      cost: 0.1,
      opened: at(6000),
      clicked: at(7000),
    },
    { channel: 'email', status: 'failed', provider: 'smtp', cost: null },
    { channel: 'email', status: 'bounced', provider: 'smtp', sentAt: at(90), cost: 0.1 },
    { channel: 'email', status: 'suppressed', provider: null, cost: null },
    { channel: 'sms', status: 'sent', provider: 'twilio', sentAt: at(120), cost: 0.0158 },
    { channel: 'sms', status: 'dead_lettered', provider: 'twilio', cost: null },
  ];
  const db = testDb();
  await db.execute(sql`
    INSERT INTO notifications (id, tenant_id, mode, priority, category, content, created_at)
    VALUES (${notificationId}, ${tenantId}, 'live', 'normal', 'billing', '{}'::jsonb, ${created.toISOString()})`);
  for (const r of rows) {
    await db.execute(sql`
      INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address, provider,
        sent_at, delivered_at, first_opened_at, opens, first_clicked_at, clicks, cost, created_at)
      VALUES (${newId('dlv')}, ${tenantId}, ${notificationId}, ${r.channel}, ${r.status}, 'normal', 'kim', 'kim@x.test',
        ${r.provider}, ${r.sentAt ?? null}, ${r.deliveredAt ?? null}, ${r.opened ?? null}, ${r.opened ? 1 : 0},
        ${r.clicked ?? null}, ${r.clicked ? 1 : 0}, ${r.cost}, ${created.toISOString()})`);
  }
}

const EXPECTED_EMAIL = {
  channel: 'email',
  accepted: 6,
  sent: 4,
  delivered: 1,
  failed: 1,
  bounced: 1,
  suppressed: 1,
  deadLettered: 0,
  opened: 2,
  clicked: 1,
  deliveryRate: 0.8,
  openRate: 0.5,
  clickRate: 0.25,
  cost: 0.4,
  latency: { sentP50Ms: 100, sentP95Ms: 1000, deliveredP50Ms: 2500, deliveredP95Ms: 2500 },
};

describe('usage analytics', () => {
  it('summary: per channel and totals from the roll-ups, equal to a direct count; re-rolling changes nothing', async () => {
    const t = await createTenant('analytics');
    await seed(t.tenantId, 5);
    await seed(t.tenantId, 3);
    // Seeded history lies before the roll-up watermark: it is read once the hourly job has folded it (deliveries
    // the API accepts land in the current hour, which is always read live — see the cost test below).
    await rollUp();
    const range = `from=${new Date(Date.now() - 10 * HOUR).toISOString()}`;
    const live = await api('GET', `/v1/analytics/summary?${range}`, { key: t.key });
    expect(live.status).toBe(200);
    const double = (n: number) => n * 2;
    expect(live.body.channels).toEqual([
      {
        ...EXPECTED_EMAIL,
        ...Object.fromEntries(
          ['accepted', 'sent', 'delivered', 'failed', 'bounced', 'suppressed', 'opened', 'clicked'].map((k) => [
            k,
            double((EXPECTED_EMAIL as any)[k]),
          ]),
        ),
        cost: 0.8,
      },
      expect.objectContaining({ channel: 'sms', accepted: 4, sent: 2, deadLettered: 2, cost: 0.0316 }),
    ]);
    expect(live.body.totals).toMatchObject({ accepted: 16, sent: 10, cost: 0.8316 });
    expect(live.body.currency).toBe('USD');

    const rolled = await testDb().execute<{ n: number; accepted: number }>(sql`
      SELECT count(*)::int AS n, sum(accepted)::int AS accepted FROM usage_hourly WHERE tenant_id = ${t.tenantId}`);
    expect(rolled.rows[0]).toEqual({ n: 6, accepted: 16 }); // 2 hours × (email/smtp, email/none, sms/twilio)
    // Equal to a direct count over the deliveries.
    const direct = await testDb().execute<{ accepted: number; sent: number }>(sql`
      SELECT count(*)::int AS accepted, count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent
      FROM deliveries WHERE tenant_id = ${t.tenantId}`);
    expect(direct.rows[0]).toEqual({ accepted: 16, sent: 10 });
    await rollUp();
    const again = await testDb().execute(sql`
      SELECT count(*)::int AS n, sum(accepted)::int AS accepted FROM usage_hourly WHERE tenant_id = ${t.tenantId}`);
    expect(again.rows[0]).toEqual({ n: 6, accepted: 16 });
    expect((await api('GET', `/v1/analytics/summary?${range}`, { key: t.key })).body).toEqual(live.body);
  });

  it('timeseries: every bucket present, gaps as zeros; providers show error rates', async () => {
    const t = await createTenant('analytics-series');
    await seed(t.tenantId, 5);
    await rollUp();
    const from = new Date(Math.floor((Date.now() - 8 * HOUR) / HOUR) * HOUR).toISOString();
    const res = await api('GET', `/v1/analytics/timeseries?metric=accepted&granularity=hour&from=${from}`, {
      key: t.key,
    });
    expect(res.status).toBe(200);
    const email = res.body.series.find((s: any) => s.channel === 'email');
    expect(email.points.length).toBeGreaterThanOrEqual(8);
    const values = email.points.map((p: any) => p.value);
    expect(values.filter((v: number) => v !== 0)).toEqual([6]);
    expect(values.filter((v: number) => v === 0).length).toBe(values.length - 1);
    const rate = await api('GET', `/v1/analytics/timeseries?metric=delivery_rate&granularity=day&channel=email`, {
      key: t.key,
    });
    expect(rate.body.series).toHaveLength(1);
    expect(rate.body.series[0].points.some((p: any) => p.value === 0.8)).toBe(true);
    expectEnvelope(await api('GET', '/v1/analytics/timeseries?metric=joy', { key: t.key }), 422, 'validation_failed');
    expectEnvelope(
      await api('GET', `/v1/analytics/summary?from=${new Date().toISOString()}&to=${from}`, { key: t.key }),
      422,
      'validation_failed',
    );
  });

  it('cost is computed at send from the tenant prices, and /v1/usage adds up the month against the budget', async () => {
    const t = await createLiveTenant('analytics-cost');
    const set = await api('PATCH', '/v1/usage/settings', {
      key: t.key,
      body: { prices: { email: 0.25 }, monthlyBudget: 10 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ prices: { email: 0.25, sms: 0.0079 }, monthlyBudget: 10, trackOpens: true });
    const sent = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: [{ email: 'a@x.test' }, { email: 'b@x.test' }], content: { subject: 'Hi', text: 'Hello' } },
    });
    expect(sent.status).toBe(202);
    const done = await waitForNotification(t.key, sent.body.id, allDeliveries('sent'));
    expect(done.deliveries).toHaveLength(2);
    const usage = await api('GET', '/v1/usage', { key: t.key });
    expect(usage.body).toMatchObject({
      deliveries: 2,
      cost: 0.5,
      byChannel: [{ channel: 'email', deliveries: 2, cost: 0.5 }],
      budget: { monthly: 10, used: 0.05, hardStop: false, warned: false, stopped: false },
    });
    expectEnvelope(
      await api('PATCH', '/v1/usage/settings', { key: t.key, body: { prices: { fax: 1 } } }),
      422,
      'validation_failed',
    );
  });

  it("another tenant's analytics show nothing of this tenant", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await seed(a.tenantId, 2);
    await rollUp();
    const range = `from=${new Date(Date.now() - 4 * HOUR).toISOString()}`;
    expect((await api('GET', `/v1/analytics/summary?${range}`, { key: b.key })).body.channels).toEqual([]);
    expect(
      (await api('GET', `/v1/analytics/timeseries?metric=sent&granularity=hour&${range}`, { key: b.key })).body.series,
    ).toEqual([]);
    expect((await api('GET', `/v1/analytics/providers?${range}`, { key: b.key })).body.data).toEqual([]);
    expect((await api('GET', '/v1/usage', { key: b.key })).body).toMatchObject({ deliveries: 0, cost: 0 });
    expect((await api('GET', `/v1/analytics/summary?${range}`, { key: a.key })).body.totals.accepted).toBe(8);
  });
});

describe('monthly budget', () => {
  async function runMinuteCron() {
    await worker.scheduled(
      createScheduledController({ cron: '* * * * *', scheduledTime: new Date() }),
      testEnv,
      createExecutionContext(),
    );
  }
  const sendEmail = (key: string) =>
    api('POST', '/v1/notifications', {
      key,
      body: { to: { email: `budget-${crypto.randomUUID()}@x.test` }, content: { subject: 'Hi', text: 'Hello' } },
    });

  it('warns once at 80%, stops sends at 100% with a hard stop, and a raised budget lifts the stop', async () => {
    const t = await createLiveTenant('budget');
    const hook = await createEndpoint(t.key, { events: ['usage.budget_warning', 'usage.budget_exceeded'] });
    await api('PATCH', '/v1/usage/settings', {
      key: t.key,
      body: { prices: { email: 0.25 }, monthlyBudget: 0.3, budgetHardStop: true },
    });
    const first = await sendEmail(t.key);
    await waitForNotification(t.key, first.body.id, allDeliveries('sent'));
    await runMinuteCron();
    expect((await api('GET', '/v1/usage', { key: t.key })).body.budget).toMatchObject({
      used: 0.8333,
      warned: true,
      stopped: false,
    });
    await runMinuteCron(); // warned once a month, not every minute
    const second = await sendEmail(t.key);
    expect(second.status).toBe(202);
    await waitForNotification(t.key, second.body.id, allDeliveries('sent'));
    await runMinuteCron();
    expect((await api('GET', '/v1/usage', { key: t.key })).body.budget).toMatchObject({ stopped: true });
    expectEnvelope(await sendEmail(t.key), 402, 'budget_exceeded');

    const events = await waitForEvents(hook.name, hook.secret, hasType('usage.budget_exceeded'));
    expect(ofType('usage.budget_warning')(events)).toHaveLength(1);
    expect(ofType('usage.budget_exceeded')(events)[0]!.payload.data).toMatchObject({ spent: 0.5, budget: 0.3 });

    await api('PATCH', '/v1/usage/settings', { key: t.key, body: { monthlyBudget: 5 } });
    expect((await sendEmail(t.key)).status).toBe(202);
  });
});
