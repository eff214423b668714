import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freezeMetricTotalsJob } from '../../src/cron/jobs/freeze-metric-totals';
import type { AppBindings } from '../../src/env';
import { loadConfig } from '../../src/env';
import worker from '../../src/index';
import { newId } from '../../src/lib/ids';
import { createLogger } from '../../src/observability/logger';
import { api, createKey, createLiveTenant, createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { addProvider, jsonStep, scriptProvider, uniqueAccount } from '../helpers/providers';
import { allDeliveries, waitForNotification } from '../helpers/stand-ins';
import { createEndpoint } from '../helpers/webhooks';
import { TEST_METRICS_TOKEN } from '../test-db';

const HOUR = 3_600_000;
const operator = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };

async function rollUp() {
  await worker.scheduled(
    createScheduledController({ cron: '0 * * * *', scheduledTime: new Date() }),
    testEnv,
    createExecutionContext(),
  );
}

/** `name{labels}` → value, exactly as rendered (the tests compare against the text format itself). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

async function tenantMetrics(key: string) {
  const res = await api('GET', '/v1/metrics', { key });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return { text: res.body as string, values: samples(res.body as string) };
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms).toISOString();

/**
 * A notification with deliveries accepted `hoursAgo` back, their provider attempts and webhook attempts, written
 * straight into the tables. Ids are minted now on purpose: notifications and attempts are counted by the time in
 * their id, and an id from hours ago could fall below a watermark another test file's hourly run has moved.
 */
async function seedHistory(tenantId: string, hoursAgo: number, webhookEndpointId: string, mintedAt = Date.now()) {
  const created = new Date(Date.now() - hoursAgo * HOUR);
  const db = testDb();
  const notificationId = newId('ntf', mintedAt);
  await db.execute(sql`
    INSERT INTO notifications (id, tenant_id, mode, priority, content, created_at)
    VALUES (${notificationId}, ${tenantId}, 'live', 'normal', '{}'::jsonb, ${created.toISOString()})`);
  const rows = [
    { channel: 'email', status: 'sent', provider: 'smtp', sentAt: at(created, 40), attempts: ['sent'] },
    { channel: 'email', status: 'sent', provider: 'smtp', sentAt: at(created, 300), attempts: ['sent'] },
    {
      channel: 'email',
      status: 'delivered',
      provider: 'smtp',
      sentAt: at(created, 800),
      deliveredAt: at(created, 2000),
      attempts: ['sent'],
    },
    { channel: 'email', status: 'failed', provider: 'smtp', attempts: ['retryable_error', 'permanent_error'] },
    { channel: 'email', status: 'suppressed', provider: null, attempts: [] },
    { channel: 'sms', status: 'dead_lettered', provider: 'twilio', attempts: ['retryable_error', 'retryable_error'] },
  ];
  for (const r of rows) {
    const deliveryId = newId('dlv');
    await db.execute(sql`
      INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address, provider,
        sent_at, delivered_at, created_at)
      VALUES (${deliveryId}, ${tenantId}, ${notificationId}, ${r.channel}, ${r.status}, 'normal', 'kim', 'kim@x.test',
        ${r.provider}, ${r.sentAt ?? null}, ${r.deliveredAt ?? null}, ${created.toISOString()})`);
    for (const [i, outcome] of r.attempts.entries()) {
      await db.execute(sql`
        INSERT INTO delivery_attempts (id, tenant_id, delivery_id, attempt_no, provider, outcome, duration_ms, started_at)
        VALUES (${newId('att', mintedAt)}, ${tenantId}, ${deliveryId}, ${i + 1}, ${r.provider}, ${outcome}, 120,
          ${created.toISOString()})`);
    }
  }
  for (const [i, outcome] of ['succeeded', 'succeeded', 'failed'].entries()) {
    await db.execute(sql`
      INSERT INTO webhook_attempts (id, tenant_id, endpoint_id, event_id, event_type, attempt_no, outcome, status_code,
        duration_ms, started_at)
      VALUES (${newId('wha', mintedAt)}, ${tenantId}, ${webhookEndpointId}, ${newId('evt')}, 'delivery.sent', ${i + 1},
        ${outcome}, ${outcome === 'failed' ? 500 : 200}, 30, ${created.toISOString()})`);
  }
}

/** Two endpoints that receive nothing on their own: one disabled, one enabled but failing. */
async function seedEndpoints(key: string) {
  const quiet = { events: ['webhook_endpoint.disabled'] };
  const [disabled, failing] = [await createEndpoint(key, quiet), await createEndpoint(key, quiet)];
  await testDb().execute(sql`UPDATE webhook_endpoints SET enabled = false WHERE id = ${disabled.id}`);
  await testDb().execute(sql`UPDATE webhook_endpoints SET failing_since = now() WHERE id = ${failing.id}`);
  return disabled.id;
}

/** What seedHistory writes, as the tenant's /v1/metrics must show it. */
const SEEDED = {
  notifykit_notifications_accepted_total: 1,
  'notifykit_deliveries_accepted_total{channel="email"}': 5,
  'notifykit_deliveries_accepted_total{channel="sms"}': 1,
  'notifykit_deliveries_total{channel="email",provider="smtp",status="sent"}': 3,
  'notifykit_deliveries_total{channel="email",provider="smtp",status="delivered"}': 1,
  'notifykit_deliveries_total{channel="email",provider="smtp",status="failed"}': 1,
  'notifykit_deliveries_total{channel="email",provider="smtp",status="bounced"}': 0,
  'notifykit_deliveries_total{channel="email",provider="none",status="suppressed"}': 1,
  'notifykit_deliveries_total{channel="sms",provider="twilio",status="dead_lettered"}': 1,
  'notifykit_deliveries_total{channel="sms",provider="twilio",status="sent"}': 0,
  // 40 ms, 300 ms and 800 ms: buckets ≤ 0.05 s, ≤ 0.5 s, ≤ 1 s
  'notifykit_accept_to_sent_seconds_bucket{channel="email",le="0.05"}': 1,
  'notifykit_accept_to_sent_seconds_bucket{channel="email",le="0.25"}': 1,
  'notifykit_accept_to_sent_seconds_bucket{channel="email",le="0.5"}': 2,
  'notifykit_accept_to_sent_seconds_bucket{channel="email",le="1"}': 3,
  'notifykit_accept_to_sent_seconds_bucket{channel="email",le="+Inf"}': 3,
  'notifykit_accept_to_sent_seconds_count{channel="email"}': 3,
  'notifykit_accept_to_delivered_seconds_bucket{channel="email",le="1"}': 0,
  'notifykit_accept_to_delivered_seconds_bucket{channel="email",le="2.5"}': 1,
  'notifykit_accept_to_delivered_seconds_count{channel="email"}': 1,
  'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="sent"}': 3,
  'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="retryable_error"}': 1,
  'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="permanent_error"}': 1,
  'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="skipped"}': 0,
  'notifykit_provider_attempts_total{channel="sms",provider="twilio",outcome="retryable_error"}': 2,
  'notifykit_webhook_attempts_total{outcome="succeeded"}': 2,
  'notifykit_webhook_attempts_total{outcome="failed"}': 1,
  'notifykit_dead_letters{channel="sms",lane="default"}': 1,
  'notifykit_dead_letters{channel="email",lane="default"}': 0,
  'notifykit_webhook_endpoints{state="disabled"}': 1,
  'notifykit_webhook_endpoints{state="failing"}': 1,
  'notifykit_webhook_endpoints{state="healthy"}': 0,
  'notifykit_delivery_backlog{lane="default",status="queued"}': 0,
};

function expectValues(values: Map<string, number>, expected: Record<string, number>) {
  expect(Object.fromEntries(Object.keys(expected).map((k) => [k, values.get(k)]))).toEqual(expected);
}

describe('GET /metrics (operator)', () => {
  it('refuses a missing, malformed or wrong token with the error envelope (401)', async () => {
    const missing = await api('GET', '/metrics');
    expectEnvelope(missing, 401, 'invalid_metrics_token');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expectEnvelope(
      await api('GET', '/metrics', { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}x` } }),
      401,
      'invalid_metrics_token',
    );
    expectEnvelope(
      await api('GET', '/metrics', { headers: { authorization: `Basic ${btoa(`x:${TEST_METRICS_TOKEN}`)}` } }),
      401,
      'invalid_metrics_token',
    );
    // A tenant's API key, even an admin one, is not the operator token.
    const t = await createTenant('metrics-not-operator');
    expectEnvelope(await api('GET', '/metrics', { key: t.key }), 401, 'invalid_metrics_token');
  });

  it('is off (404) when METRICS_TOKEN is not set', async () => {
    const env = { ...testEnv, METRICS_TOKEN: undefined } as unknown as AppBindings;
    const res = await worker.fetch(
      new Request('http://api.test/metrics', { headers: operator }),
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'not_found', message: /METRICS_TOKEN/ });
  });

  it('answers the text format with every family, never a tenant label', async () => {
    const res = await api('GET', '/metrics', { headers: operator });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = res.body as string;
    expect(text).toContain('# TYPE notifykit_deliveries_total counter');
    expect(text).toContain('# TYPE notifykit_accept_to_sent_seconds histogram');
    for (const name of samples(text).keys()) expect(name).not.toMatch(/tenant|="[a-z]{3}_[0-9a-z]{26}"/);
  });
});

describe('GET /v1/metrics (tenant)', () => {
  it("shows exactly the caller tenant's figures: roll-ups, live hours, attempts and gauges", async () => {
    const a = await createTenant('metrics-a');
    const endpointId = await seedEndpoints(a.key);
    await seedHistory(a.tenantId, 3, endpointId);
    // 3 h ago is below the roll-up watermark once the hourly job has run: read from usage_hourly.
    await rollUp();
    const { values } = await tenantMetrics(a.key);
    expectValues(values, SEEDED);
    for (const name of values.keys()) expect(name).not.toMatch(/tenant/);

    // A send through the API lands in the current hour, read live (test key: the sandbox is its provider).
    const sent = await api('POST', '/v1/notifications', {
      key: a.key,
      body: { to: { email: 'metrics@x.test' }, content: { subject: 'Hi', text: 'Hello' } },
    });
    expect(sent.status).toBe(202);
    await waitForNotification(a.key, sent.body.id, allDeliveries('sent'));
    const attempts = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM delivery_attempts
      WHERE tenant_id = ${a.tenantId} AND provider = 'sandbox' AND outcome = 'sent'`);
    const after = (await tenantMetrics(a.key)).values;
    expectValues(after, {
      ...SEEDED,
      notifykit_notifications_accepted_total: 2,
      'notifykit_deliveries_accepted_total{channel="email"}': 6,
      'notifykit_deliveries_total{channel="email",provider="sandbox",status="sent"}': 1,
      'notifykit_provider_attempts_total{channel="email",provider="sandbox",outcome="sent"}': attempts.rows[0]!.n,
      'notifykit_accept_to_sent_seconds_count{channel="email"}': 4,
      'notifykit_accept_to_sent_seconds_bucket{channel="email",le="+Inf"}': 4,
    });
    expect(attempts.rows[0]!.n).toBe(1);

    // The operator's /metrics adds every tenant up: each of this tenant's series is there, at least as large.
    const global = samples((await api('GET', '/metrics', { headers: operator })).body);
    for (const [name, value] of after) {
      if (name.startsWith('notifykit_delivery_backlog_oldest_seconds')) continue; // a maximum, not a sum
      expect(global.get(name), name).toBeGreaterThanOrEqual(value);
    }
  });

  it('notifykit_provider_misconfigured counts configurations with an open account-side problem', async () => {
    const t = await createLiveTenant('metrics-misconfigured', { smtp: false });
    const from = 'Acme <hello@acme.test>';
    const [broken, working] = [uniqueAccount('SG.broken-'), uniqueAccount('SG.working-')];
    for (const [apiKey, priority] of [
      [broken, 1],
      [working, 2],
    ] as const) {
      await addProvider(t.key, {
        channel: 'email',
        provider: 'sendgrid',
        name: `sendgrid ${priority}`,
        credentials: { apiKey, from },
        priority,
      });
    }
    const series = 'notifykit_provider_misconfigured{channel="email",provider="sendgrid"}';
    expect((await tenantMetrics(t.key)).values.get(series)).toBe(0);
    await scriptProvider('sendgrid', broken, [jsonStep(401, { errors: [{ message: 'bad key' }] })]);
    const send = async () => {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: { email: 'kim@x.test' }, content: { subject: 'Hi', text: 'Hello' } },
      });
      await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    };
    await send(); // the broken account fails, the working one delivers
    expect((await tenantMetrics(t.key)).values.get(series)).toBe(1);
    await send(); // the broken account is fixed: its success clears the problem
    expect((await tenantMetrics(t.key)).values.get(series)).toBe(0);
  });

  it("another tenant's key sees none of it; the route needs the read scope", async () => {
    const a = await createTenant('metrics-owner');
    await seedHistory(a.tenantId, 2, await seedEndpoints(a.key));
    const b = await createTenant('metrics-other');
    const { text, values } = await tenantMetrics(b.key);
    expect([...values.values()].every((v) => v === 0)).toBe(true);
    expect(text).not.toContain('notifykit_deliveries_total{');
    expect(text).not.toContain('notifykit_provider_attempts_total{');
    expect(values.get('notifykit_notifications_accepted_total')).toBe(0);
    expect((await tenantMetrics(a.key)).values.get('notifykit_notifications_accepted_total')).toBe(1);

    const writer = await createKey(b, ['notifications:write']);
    expectEnvelope(await api('GET', '/v1/metrics', { key: writer.key }), 403, 'insufficient_scope');
    expectEnvelope(await api('GET', '/v1/metrics'), 401, 'missing_api_key');
  });

  it('backlog by lane: queued past due and sending past claim for over 60 s; the oldest age per lane', async () => {
    const t = await createTenant('metrics-backlog');
    const db = testDb();
    const notificationId = newId('ntf');
    await db.execute(sql`
      INSERT INTO notifications (id, tenant_id, mode, priority, content)
      VALUES (${notificationId}, ${t.tenantId}, 'live', 'normal', '{}'::jsonb)`);
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    // enqueued_at now and claims younger than the sweeper's limit: the minute cron leaves these rows alone.
    const rows = [
      { channel: 'email', priority: 'low', status: 'queued', due: ago(300), claimed: null }, // bulk, backlog
      { channel: 'sms', priority: 'critical', status: 'sending', due: ago(400), claimed: ago(120) }, // critical
      { channel: 'in_app', priority: 'critical', status: 'queued', due: ago(90), claimed: null }, // inbox lane
      { channel: 'email', priority: 'normal', status: 'queued', due: ago(10), claimed: null }, // not yet backlog
      { channel: 'email', priority: 'normal', status: 'queued', due: ago(-3600), claimed: null }, // scheduled
    ];
    for (const r of rows) {
      await db.execute(sql`
        INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address,
          next_attempt_at, enqueued_at, claimed_at)
        VALUES (${newId('dlv')}, ${t.tenantId}, ${notificationId}, ${r.channel}, ${r.status}, ${r.priority}, 'kim',
          'kim@x.test', ${r.due}, now(), ${r.claimed})`);
    }
    const { values } = await tenantMetrics(t.key);
    expectValues(values, {
      'notifykit_delivery_backlog{lane="bulk",status="queued"}': 1,
      'notifykit_delivery_backlog{lane="critical",status="sending"}': 1,
      'notifykit_delivery_backlog{lane="inbox",status="queued"}': 1,
      'notifykit_delivery_backlog{lane="default",status="queued"}': 0,
      'notifykit_delivery_backlog{lane="critical",status="queued"}': 0,
      'notifykit_deliveries_accepted_total{channel="email"}': 3,
    });
    expect(values.get('notifykit_delivery_backlog_oldest_seconds{lane="bulk"}')).toBeGreaterThanOrEqual(300);
    expect(values.get('notifykit_delivery_backlog_oldest_seconds{lane="bulk"}')).toBeLessThan(360);
    expect(values.get('notifykit_delivery_backlog_oldest_seconds{lane="critical"}')).toBeGreaterThanOrEqual(120);
    expect(values.get('notifykit_delivery_backlog_oldest_seconds{lane="critical"}')).toBeLessThan(180);
    expect(values.get('notifykit_delivery_backlog_oldest_seconds{lane="default"}')).toBe(0);
  });

  // Last in the file: it freezes everything up to the current hour, for every tenant.
  it('counters are unchanged by the hourly freeze and stay put when retention deletes the raw rows', async () => {
    const t = await createTenant('metrics-freeze');
    const endpointId = await seedEndpoints(t.key);
    // Ids minted in the last closed hour, so a freeze through the current hour covers them (ids minted now would
    // stay live until the next hour).
    await seedHistory(t.tenantId, 4, endpointId, Math.floor(Date.now() / HOUR) * HOUR - 60_000);
    await rollUp();
    const before = await tenantMetrics(t.key);
    expectValues(before.values, SEEDED);

    const ctx = {
      db: testDb(),
      env: testEnv,
      config: loadConfig(testEnv),
      log: createLogger({}, 'warn'),
      scheduledTime: new Date(),
    };
    await freezeMetricTotalsJob(ctx, Date.now(), { cohortsHours: 0, eventsHours: 0 });
    const frozen = await testDb().execute<{ family: string; value: number }>(sql`
      SELECT family, sum(value)::int AS value FROM metric_totals WHERE tenant_id = ${t.tenantId}
      GROUP BY family ORDER BY family`);
    expect(frozen.rows).toEqual([
      { family: 'delivered_latency', value: 1 },
      { family: 'deliveries', value: 6 + 3 + 1 + 1 + 1 + 1 },
      { family: 'notifications', value: 1 },
      { family: 'provider_attempts', value: 7 },
      { family: 'sent_latency', value: 3 },
      { family: 'webhook_attempts', value: 3 },
    ]);
    expect((await tenantMetrics(t.key)).text).toBe(before.text);

    // Again: nothing is added twice.
    await freezeMetricTotalsJob(ctx, Date.now(), { cohortsHours: 0, eventsHours: 0 });
    expect((await tenantMetrics(t.key)).text).toBe(before.text);

    // Retention removes attempts (webhook attempts after 30 days); the counters keep their values.
    await testDb().execute(sql`DELETE FROM webhook_attempts WHERE tenant_id = ${t.tenantId}`);
    await testDb().execute(sql`DELETE FROM delivery_attempts WHERE tenant_id = ${t.tenantId}`);
    expect((await tenantMetrics(t.key)).text).toBe(before.text);
  });
});
