import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/lib/concurrency';
import { api, createKey, createTenant, expectEnvelope, type TestTenant, testDb } from '../helpers/api';
import { inboxToken } from '../helpers/inbox';
import { endpointUrl, uniqueName } from '../helpers/stand-ins';
import { tenantFingerprint } from '../helpers/tenant-fingerprint';
import { createEndpoint } from '../helpers/webhooks';

/**
 * Generated from the OpenAPI document, so a new POST is covered (or fails this test) automatically: for every POST
 * operation, the same Idempotency-Key with the same body twice → the second answer is the first one replayed
 * (`Idempotency-Replay: true`, same status and body) and nothing is written twice; the same key with another body →
 * 422 `idempotency_key_reused`; and a secret in the answer is never kept in clear in the stored copy.
 */

/** A request that succeeds on a fresh tenant: what the first call sends. */
interface Case {
  path: string;
  body?: unknown;
  /** The bearer to call with; the tenant's admin key if absent (a subscriber token for subscriber routes). */
  bearer?: string;
}

/** POSTs that cannot honour a key by nature, each with why (and what they do instead, asserted below). */
const NOT_REPLAYABLE: Record<string, string> = {
  'POST /v1/tenants':
    'signup: no tenant exists yet to keep the key for, so the header is refused (422) rather than silently ignored',
  'POST /hooks/{provider}/{token}':
    "provider receipts: sent by the provider (which never sends Idempotency-Key) and checked with the provider's " +
    'signature, not a key; each event is applied once by its own id (test/integration/webhooks.receipts.test.ts)',
};

const WEBHOOK_PROVIDER = { channel: 'webhook', provider: 'webhook', name: 'Signed', credentials: {} };
const later = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

async function ok(t: TestTenant, method: string, path: string, body?: unknown) {
  const res = await api(method, path, { key: t.key, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

const withKim = (t: TestTenant) => ok(t, 'PUT', '/v1/subscribers/kim', { email: 'kim@example.test' });
/** A send a day ahead: it stays queued, so nothing runs in the background while the test compares. */
const scheduledSend = async (t: TestTenant) => {
  await withKim(t);
  return (
    await ok(t, 'POST', '/v1/notifications', { to: 'kim', content: { subject: 'Later', text: 'x' }, sendAt: later(24) })
  ).id as string;
};
const schedule = async (t: TestTenant) => {
  await withKim(t);
  const body = {
    name: 'digest',
    timezone: 'UTC',
    to: ['kim'],
    content: { subject: 'Digest', text: 'x' },
    cron: '0 9 * * *',
  };
  return (await ok(t, 'POST', '/v1/schedules', body)).id as string;
};
const template = (t: TestTenant) =>
  ok(t, 'POST', '/v1/templates', {
    key: 'welcome',
    name: 'Welcome',
    defaultLocale: 'en',
    locales: { en: { sms: { text: 'Hi {{ name }}' } } },
  });

/** How to make each POST succeed on a fresh tenant. A POST in the document but not here (or above) fails the test. */
const CASES: Record<string, (t: TestTenant) => Promise<Case>> = {
  'POST /v1/api-keys': async () => ({ path: '/v1/api-keys', body: { name: 'ci', mode: 'test', scopes: ['read'] } }),
  'POST /v1/api-keys/{id}/roll': async (t) => ({ path: `/v1/api-keys/${(await createKey(t, ['read'])).keyId}/roll` }),
  'POST /v1/broadcasts/{id}/cancel': async (t) => {
    await withKim(t);
    await ok(t, 'POST', '/v1/topics', { key: 'news', name: 'News' });
    await ok(t, 'PUT', '/v1/topics/news/subscribers', { subscribers: ['kim'] });
    const sent = await ok(t, 'POST', '/v1/notifications', {
      to: { topic: 'news' },
      content: { subject: 'News', text: 'x' },
      sendAt: later(24),
    });
    return { path: `/v1/broadcasts/${sent.broadcastId}/cancel` };
  },
  'POST /v1/dead-letters/replay': async (t) => {
    const id = await scheduledSend(t);
    const rows = await testDb().execute<{ id: string }>(sql`
      UPDATE deliveries SET status = 'dead_lettered', dead_lettered_at = now()
      WHERE tenant_id = ${t.tenantId} AND notification_id = ${id} RETURNING id`);
    return { path: '/v1/dead-letters/replay', body: { ids: rows.rows.map((r) => r.id) } };
  },
  'POST /v1/inbound-hooks/rotate-token': async () => ({ path: '/v1/inbound-hooks/rotate-token' }),
  'POST /v1/inbox/mark': async (t) => ({
    path: '/v1/inbox/mark',
    body: { all: true, state: 'read' },
    bearer: await inboxToken(t.key, 'kim'),
  }),
  'POST /v1/notifications': async (t) => {
    await withKim(t);
    return { path: '/v1/notifications', body: { to: 'kim', content: { subject: 'Hi', text: 'x' }, sendAt: later(24) } };
  },
  'POST /v1/notifications/bulk': async (t) => {
    await withKim(t);
    const item = { to: 'kim', content: { subject: 'Hi', text: 'x' }, sendAt: later(24) };
    return { path: '/v1/notifications/bulk', body: { notifications: [item, item] } };
  },
  'POST /v1/notifications/{id}/cancel': async (t) => ({ path: `/v1/notifications/${await scheduledSend(t)}/cancel` }),
  'POST /v1/notifications/{id}/reschedule': async (t) => ({
    path: `/v1/notifications/${await scheduledSend(t)}/reschedule`,
    body: { sendAt: later(48) },
  }),
  'POST /v1/categories': async () => ({ path: '/v1/categories', body: { key: 'billing', name: 'Billing' } }),
  'POST /v1/subscribers/{externalId}/token': async (t) => {
    await withKim(t);
    return { path: '/v1/subscribers/kim/token', body: { ttlSeconds: 600 } };
  },
  'POST /v1/providers': async () => ({
    path: '/v1/providers',
    body: {
      channel: 'email',
      provider: 'smtp',
      name: 'smtp',
      credentials: { host: '127.0.0.1', port: 2525, from: 'a@a.test' },
    },
  }),
  'POST /v1/schedules': async (t) => {
    await withKim(t);
    return {
      path: '/v1/schedules',
      body: { name: 'digest', timezone: 'UTC', to: ['kim'], content: { subject: 'D', text: 'x' }, cron: '0 9 * * *' },
    };
  },
  'POST /v1/schedules/{id}/pause': async (t) => ({ path: `/v1/schedules/${await schedule(t)}/pause` }),
  'POST /v1/schedules/{id}/resume': async (t) => {
    const id = await schedule(t);
    await ok(t, 'POST', `/v1/schedules/${id}/pause`);
    return { path: `/v1/schedules/${id}/resume` };
  },
  'POST /v1/templates': async () => ({
    path: '/v1/templates',
    body: { key: 'welcome', name: 'Welcome', defaultLocale: 'en', locales: { en: { sms: { text: 'Hi' } } } },
  }),
  'POST /v1/templates/{key}/publish': async (t) => {
    await template(t);
    return { path: '/v1/templates/welcome/publish' };
  },
  'POST /v1/templates/{key}/preview': async (t) => {
    await template(t);
    return { path: '/v1/templates/welcome/preview', body: { channel: 'sms', data: { name: 'Kim' } } };
  },
  'POST /v1/providers/{id}/rotate-secret': async (t) => ({
    path: `/v1/providers/${(await ok(t, 'POST', '/v1/providers', WEBHOOK_PROVIDER)).id}/rotate-secret`,
  }),
  'POST /v1/workflows': async () => ({
    path: '/v1/workflows',
    body: { key: 'onboarding', name: 'Onboarding', steps: [{ id: 'wait', type: 'delay', duration: '1h' }] },
  }),
  'POST /v1/workflows/{key}/publish': async (t) => {
    await ok(t, 'POST', '/v1/workflows', {
      key: 'onboarding',
      name: 'Onboarding',
      steps: [{ id: 'wait', type: 'delay', duration: '1h' }],
    });
    return { path: '/v1/workflows/onboarding/publish' };
  },
  'POST /v1/workflows/{key}/trigger': async (t) => {
    await withKim(t);
    await ok(t, 'POST', '/v1/workflows', {
      key: 'onboarding',
      name: 'Onboarding',
      steps: [{ id: 'wait', type: 'delay', duration: '1h' }],
    });
    await ok(t, 'POST', '/v1/workflows/onboarding/publish');
    return { path: '/v1/workflows/onboarding/trigger', body: { to: 'kim', cancellationKey: 'k1' } };
  },
  'POST /v1/workflow-runs/cancel': async () => ({
    path: '/v1/workflow-runs/cancel',
    body: { cancellationKey: 'k1' },
  }),
  'POST /v1/topics': async () => ({ path: '/v1/topics', body: { key: 'news', name: 'News' } }),
  'POST /v1/topics/{key}/subscribers/remove': async (t) => {
    await withKim(t);
    await ok(t, 'POST', '/v1/topics', { key: 'news', name: 'News' });
    await ok(t, 'PUT', '/v1/topics/news/subscribers', { subscribers: ['kim'] });
    return { path: '/v1/topics/news/subscribers/remove', body: { subscribers: ['kim'] } };
  },
  'POST /v1/webhook-endpoints': async () => ({
    path: '/v1/webhook-endpoints',
    body: { url: endpointUrl(uniqueName('idem')) },
  }),
  'POST /v1/webhook-endpoints/{id}/replay': async (t) => ({
    path: `/v1/webhook-endpoints/${(await createEndpoint(t.key)).id}/replay`,
    body: { since: later(-1) },
  }),
  'POST /v1/webhook-endpoints/{id}/rotate-secret': async (t) => ({
    path: `/v1/webhook-endpoints/${(await createEndpoint(t.key)).id}/rotate-secret`,
  }),
  'POST /v1/webhook-endpoints/{id}/test': async (t) => ({
    path: `/v1/webhook-endpoints/${(await createEndpoint(t.key)).id}/test`,
  }),
};

/** The secrets our answers carry once: API keys, signing secrets, subscriber tokens, receipt URLs (hooks token). */
const SECRETS =
  /nk_(?:live|test)_[0-9A-Za-z]{49}|whsec_[A-Za-z0-9+/=]{16,}|eyJ[\w-]*\.[\w-]+\.[\w-]+|\/hooks\/[\w-]+\/[\w-]{16,}/g;
/** The operations whose answer holds one (so the check below is not vacuous for them). */
const WITH_SECRET = [
  'POST /v1/api-keys',
  'POST /v1/api-keys/{id}/roll',
  'POST /v1/inbound-hooks/rotate-token',
  'POST /v1/providers/{id}/rotate-secret',
  'POST /v1/subscribers/{externalId}/token',
  'POST /v1/webhook-endpoints',
  'POST /v1/webhook-endpoints/{id}/rotate-secret',
];

/** The fingerprint once the first request's background work (queues, relays) has finished: 1 s without change. */
async function settled(tenantId: string) {
  let last = await tenantFingerprint(tenantId);
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 3; i++) {
    await new Promise((r) => setTimeout(r, 350));
    const now = await tenantFingerprint(tenantId);
    quiet = JSON.stringify(now) === JSON.stringify(last) ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

describe('Idempotency-Key on every POST (generated from /openapi.json)', () => {
  it('every POST replays the same key + body, refuses the same key with another body, and never stores a secret in clear', async () => {
    const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const posts = Object.entries(doc.paths)
      .filter(([, methods]) => 'post' in methods)
      .map(([template]) => `POST ${template}`);
    expect(posts.length).toBeGreaterThan(20);
    const known = [...Object.keys(CASES), ...Object.keys(NOT_REPLAYABLE)];
    expect(
      posts.filter((p) => !known.includes(p)),
      'POSTs this test does not know: add a case to CASES (or, with the reason, to NOT_REPLAYABLE)',
    ).toEqual([]);
    expect(
      known.filter((p) => !posts.includes(p)),
      'cases for POSTs the document no longer has',
    ).toEqual([]);

    const problems: string[] = [];
    await mapWithConcurrency(Object.keys(CASES), 4, async (op) => {
      const t = await createTenant('idempotency');
      await testDb().execute(sql`UPDATE tenants SET api_rate_limit_per_second = 100000 WHERE id = ${t.tenantId}`);
      const c = await CASES[op]!(t);
      const key = `idem-${op}`.replace(/[^\x21-\x7e]+/g, '-');
      const call = (body: unknown) =>
        api('POST', c.path, {
          key: c.bearer ?? t.key,
          headers: { 'idempotency-key': key },
          ...(body === undefined ? {} : { body }),
        });

      const first = await call(c.body);
      if (first.status >= 300)
        return void problems.push(`${op}: the case itself fails: ${first.status} ${JSON.stringify(first.body)}`);
      if (first.headers.get('idempotency-replay') !== null)
        problems.push(`${op}: the first answer says it is a replay`);

      const stored = await testDb().execute<{ response_body: string | null; response_status: number | null }>(sql`
        SELECT response_body, response_status FROM idempotency_keys WHERE tenant_id = ${t.tenantId}`);
      if (stored.rows.length !== 1 || stored.rows[0]!.response_status !== first.status) {
        problems.push(
          `${op}: stored ${JSON.stringify(stored.rows.map((r) => r.response_status))}, answered ${first.status}`,
        );
      }
      const secrets = JSON.stringify(first.body).match(SECRETS) ?? [];
      if (WITH_SECRET.includes(op) && secrets.length === 0) problems.push(`${op}: expected a secret in the answer`);
      for (const secret of secrets) {
        if (stored.rows.some((r) => r.response_body?.includes(secret)))
          problems.push(`${op}: stores ${secret.slice(0, 12)}… in clear`);
      }

      const before = await settled(t.tenantId);
      const second = await call(c.body);
      const after = await tenantFingerprint(t.tenantId);
      if (second.headers.get('idempotency-replay') !== 'true')
        problems.push(`${op}: the retry is not a replay (${second.status})`);
      if (second.status !== first.status) problems.push(`${op}: replayed ${second.status}, first was ${first.status}`);
      if (JSON.stringify(second.body) !== JSON.stringify(first.body)) problems.push(`${op}: the replayed body differs`);
      for (const table of Object.keys(after)) {
        if (after[table] !== before[table])
          problems.push(`${op}: the retry wrote to ${table} (${before[table]} → ${after[table]})`);
      }

      const changed = await call({ ...((c.body as object | undefined) ?? {}), changed: true });
      if (changed.status !== 422 || changed.body?.error?.code !== 'idempotency_key_reused') {
        problems.push(`${op}: same key, other body → ${changed.status} ${JSON.stringify(changed.body).slice(0, 100)}`);
      }
    });
    expect(problems).toEqual([]);
  }, 240_000);

  it('signup refuses Idempotency-Key (422) and creates no tenant; without the header it signs up', async () => {
    const email = `${crypto.randomUUID()}@example.test`;
    const body = { name: 'Keyed', email };
    const refused = await api('POST', '/v1/tenants', { body, headers: { 'idempotency-key': 'signup-1' } });
    const error = expectEnvelope(refused, 422, 'validation_failed');
    expect(error.details?.[0]?.path).toBe('header.Idempotency-Key');
    const count = async () =>
      Number(
        (await testDb().execute<{ n: string }>(sql`SELECT count(*) AS n FROM tenants WHERE email = ${email}`)).rows[0]!
          .n,
      );
    expect(await count()).toBe(0);
    expect((await api('POST', '/v1/tenants', { body })).status).toBe(201);
    expect(await count()).toBe(1);
  });
});
