import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope, testDb } from '../helpers/api';
import {
  allDeliveries,
  endpointUrl,
  receivedRequests,
  scriptEndpoint,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';
import { createEndpoint, hasType, ofType, verifiedEvents, waitForEvents } from '../helpers/webhooks';

async function sendMail(key: string, metadata?: Record<string, unknown>) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: {
      to: { email: `${uniqueName('to')}@example.test` },
      content: { subject: 'Hi', text: 'hello' },
      ...(metadata ? { metadata } : {}),
    },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function attemptsOf(key: string, endpointId: string) {
  const res = await api('GET', `/v1/webhook-endpoints/${endpointId}/attempts?limit=100`, { key });
  expect(res.status).toBe(200);
  return (res.body.data as any[]).reverse();
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  if (!done(value)) throw new Error(`condition not reached: ${JSON.stringify(value)}`);
  return value;
}

describe('webhook endpoints API', () => {
  it('creates an endpoint with a whsec_ secret shown once; lists, reads, updates and deletes it', async () => {
    const t = await createTenant();
    const created = await api('POST', '/v1/webhook-endpoints', {
      key: t.key,
      body: { url: endpointUrl('crud'), events: ['delivery.sent', 'delivery.failed'], description: 'ops' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      enabled: true,
      events: ['delivery.sent', 'delivery.failed'],
      description: 'ops',
    });
    const id = created.body.id;

    const got = await api('GET', `/v1/webhook-endpoints/${id}`, { key: t.key });
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain('whsec_');
    const list = await api('GET', '/v1/webhook-endpoints', { key: t.key });
    expect(list.body.data.map((e: any) => e.id)).toEqual([id]);

    const patched = await api('PATCH', `/v1/webhook-endpoints/${id}`, {
      key: t.key,
      body: { enabled: false, events: [] },
    });
    expect(patched.body).toMatchObject({ enabled: false, events: [] });
    expect((await api('DELETE', `/v1/webhook-endpoints/${id}`, { key: t.key })).status).toBe(204);
    expectEnvelope(await api('GET', `/v1/webhook-endpoints/${id}`, { key: t.key }), 404, 'not_found');
  });

  it('refuses bad input with the envelope: unknown event types, bad URLs, our own host, empty patches', async () => {
    const t = await createTenant();
    const bad = [
      { url: endpointUrl('x'), events: ['delivery.exploded'] },
      { url: endpointUrl('x'), events: ['delivery.sent', 'delivery.sent'] },
      { url: 'ftp://example.com/hook' },
      { url: 'not a url' },
      { url: 'http://api.test/v1/notifications' },
      { url: endpointUrl('x'), secret: 'whsec_mine' },
    ];
    for (const body of bad) {
      expectEnvelope(await api('POST', '/v1/webhook-endpoints', { key: t.key, body }), 422, 'validation_failed');
    }
    const { id } = await createEndpoint(t.key);
    expectEnvelope(
      await api('PATCH', `/v1/webhook-endpoints/${id}`, { key: t.key, body: {} }),
      422,
      'validation_failed',
    );
    expectEnvelope(
      await api('POST', `/v1/webhook-endpoints/${id}/replay`, { key: t.key, body: { since: 'yesterday' } }),
      422,
      'validation_failed',
    );
  });

  it("another tenant's key sees 404 on every endpoint route, and an empty list", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const { id } = await createEndpoint(a.key);
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/webhook-endpoints/${id}`],
      ['PATCH', `/v1/webhook-endpoints/${id}`, { enabled: false }],
      ['DELETE', `/v1/webhook-endpoints/${id}`],
      ['POST', `/v1/webhook-endpoints/${id}/rotate-secret`],
      ['GET', `/v1/webhook-endpoints/${id}/attempts`],
      ['POST', `/v1/webhook-endpoints/${id}/replay`, { since: new Date(Date.now() - 3600_000).toISOString() }],
      ['POST', `/v1/webhook-endpoints/${id}/test`],
    ];
    for (const [method, path, body] of routes) {
      expectEnvelope(await api(method, path, { key: b.key, ...(body ? { body } : {}) }), 404, 'not_found');
    }
    expect((await api('GET', '/v1/webhook-endpoints', { key: b.key })).body.data).toEqual([]);
    // A's endpoint is untouched.
    expect((await api('GET', `/v1/webhook-endpoints/${id}`, { key: a.key })).body.enabled).toBe(true);
  });
});

describe('outgoing events', () => {
  it('a send emits notification.accepted and delivery.sent, signed (official verifier), with metadata echoed', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key);
    const id = await sendMail(t.key, { orderId: 'o-42' });
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const events = await waitForEvents(
      ep.name,
      ep.secret,
      (e) => hasType('delivery.sent')(e) && hasType('notification.accepted')(e),
    );
    const accepted = ofType('notification.accepted')(events)[0]!;
    const sent = ofType('delivery.sent')(events)[0]!;
    expect(accepted.payload).toMatchObject({ version: 1, data: { notificationId: id, metadata: { orderId: 'o-42' } } });
    expect(accepted.payload.data).toMatchObject({ mode: 'live', priority: 'normal', category: null, sendAt: null });
    expect(accepted.payload.data.deliveries).toEqual([
      { deliveryId: sent.payload.data.deliveryId, channel: 'email', recipient: expect.any(String), status: 'queued' },
    ]);
    expect(sent.payload.data).toMatchObject({
      notificationId: id,
      channel: 'email',
      status: 'sent',
      provider: 'smtp',
      metadata: { orderId: 'o-42' },
    });
    for (const e of events) {
      // the same prefix + ULID form as every other id (src/lib/ids.ts)
      expect(e.payload.id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
      // webhook-id is the event id: the deduplication key, the same on retries and replays
      expect(e.request.headers['webhook-id']).toBe(e.payload.id);
      expect(e.request.headers['content-type']).toBe('application/json');
    }
    // A forged or tampered request fails the same verifier.
    const tampered = sent.request.body.replace('"sent"', '"failed"');
    expect(() => new Webhook(ep.secret).verify(tampered, sent.request.headers)).toThrow();
    const other = `whsec_${btoa('x'.repeat(32))}`;
    expect(() => new Webhook(other).verify(sent.request.body, sent.request.headers)).toThrow();
  });

  it('an endpoint only receives the event types it subscribed to; a disabled one receives nothing', async () => {
    const t = await createLiveTenant();
    const only = await createEndpoint(t.key, { events: ['delivery.sent'] });
    const off = await createEndpoint(t.key);
    await api('PATCH', `/v1/webhook-endpoints/${off.id}`, { key: t.key, body: { enabled: false } });
    const id = await sendMail(t.key);
    await waitForNotification(t.key, id, allDeliveries('sent'));
    await waitForEvents(only.name, only.secret, hasType('delivery.sent'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await verifiedEvents(only.name, only.secret)).map((e) => e.payload.type)).toEqual(['delivery.sent']);
    expect(await receivedRequests(off.name)).toEqual([]);
  });

  it('a delivery that fails at acceptance (no address for a channel) emits delivery.failed at once', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key, { events: ['delivery.failed'] });
    await api('PUT', '/v1/subscribers/nophone', { key: t.key, body: { email: `${uniqueName('np')}@example.test` } });
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'nophone', channels: ['email', 'sms'], content: { subject: 's', text: 't' }, sendAt },
    });
    expect(res.status).toBe(202);
    const [event] = await waitForEvents(ep.name, ep.secret, hasType('delivery.failed'));
    expect(event!.payload.data).toMatchObject({
      notificationId: res.body.id,
      channel: 'sms',
      error: { code: 'recipient_unreachable' },
    });
  });

  it('failed and suppressed deliveries emit delivery.failed / delivery.suppressed with the reason', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key, { events: ['delivery.failed', 'delivery.suppressed'] });
    const bad = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `reject-${uniqueName('x')}@example.test` }, content: { subject: 's', text: 't' } },
    });
    const events = await waitForEvents(ep.name, ep.secret, hasType('delivery.failed'));
    expect(ofType('delivery.failed')(events)[0]!.payload.data).toMatchObject({
      notificationId: bad.body.id,
      error: { code: 'smtp_550' },
    });
    // 550 suppressed the address: the next send to it ends suppressed, with its event.
    const again = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: bad.body.deliveries[0].recipient }, content: { subject: 's', text: 't' } },
    });
    const later = await waitForEvents(ep.name, ep.secret, hasType('delivery.suppressed'));
    expect(ofType('delivery.suppressed')(later)[0]!.payload.data.notificationId).toBe(again.body.id);
  });

  it('rotation: during the overlap each delivery carries both signatures, each verifying with its own secret', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key, { events: ['delivery.sent'] });
    const rotated = await api('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { key: t.key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(ep.secret);
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    await sendMail(t.key);
    const [event] = await waitForEvents(ep.name, rotated.body.secret, hasType('delivery.sent'));
    expect(event!.request.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(ep.secret).verify(event!.request.body, event!.request.headers)).not.toThrow();
  });

  it('retries on failure with the schedule, honours Retry-After, and records every attempt', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('flaky');
    await scriptEndpoint(name, [
      { status: 500, body: 'boom' },
      { status: 503, headers: { 'retry-after': '2' } },
      { status: 302, headers: { location: 'http://127.0.0.1:1/' } },
    ]);
    const ep = await createEndpoint(t.key, { events: ['delivery.sent'], name });
    await sendMail(t.key);
    await waitForEvents(name, ep.secret, (e) => e.length >= 4);
    const requests = await receivedRequests(name);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(1900); // Retry-After: 2
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(800); // schedule: 1 s ± 10%
    const attempts = await waitFor(
      () => attemptsOf(t.key, ep.id),
      (a) => a.length === 4,
    );
    expect(attempts.map((a) => [a.attemptNo, a.outcome, a.statusCode, a.error])).toEqual([
      [1, 'failed', 500, 'http_500'],
      [2, 'failed', 503, 'http_503'],
      [3, 'failed', 302, 'redirect_not_followed'],
      [4, 'succeeded', 200, null],
    ]);
    expect(attempts[0].responseSnippet).toBe('boom');
    expect(attempts[3].responseSnippet).toBe('{"ok":true}');
    // A success ends the failure streak.
    expect((await api('GET', `/v1/webhook-endpoints/${ep.id}`, { key: t.key })).body.failingSince).toBeNull();
  });

  it('gives up after the last retry; the response snippet is capped at 1 KB', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('down');
    await scriptEndpoint(name, [], { status: 500, body: 'x'.repeat(5000) });
    const ep = await createEndpoint(t.key, { events: ['delivery.sent'], name });
    await sendMail(t.key);
    const attempts = await waitFor(
      () => attemptsOf(t.key, ep.id),
      (a) => a.length >= 4,
    );
    await new Promise((r) => setTimeout(r, 2500)); // no fifth attempt comes
    expect(await receivedRequests(name)).toHaveLength(4);
    expect(attempts.every((a) => a.outcome === 'failed' && a.responseSnippet.length === 1024)).toBe(true);
    const endpoint = (await api('GET', `/v1/webhook-endpoints/${ep.id}`, { key: t.key })).body;
    expect(endpoint.enabled).toBe(true); // failing for seconds, not days
    expect(endpoint.failingSince).not.toBeNull();
  });

  it('410 Gone disables the endpoint at once and emits webhook_endpoint.disabled to the others', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('gone');
    await scriptEndpoint(name, [], { status: 410 });
    const gone = await createEndpoint(t.key, { events: ['delivery.sent'], name });
    const watcher = await createEndpoint(t.key, { events: ['webhook_endpoint.disabled'] });
    await sendMail(t.key);
    const [event] = await waitForEvents(watcher.name, watcher.secret, hasType('webhook_endpoint.disabled'));
    expect(event!.payload.data).toMatchObject({ endpointId: gone.id, reason: 'gone' });
    const endpoint = (await api('GET', `/v1/webhook-endpoints/${gone.id}`, { key: t.key })).body;
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(await receivedRequests(name)).toHaveLength(1);
    // Re-enabling clears the reason.
    const again = await api('PATCH', `/v1/webhook-endpoints/${gone.id}`, { key: t.key, body: { enabled: true } });
    expect(again.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('replay after re-enabling never sends an endpoint the event of its own disabling', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('back');
    await scriptEndpoint(name, [{ status: 410 }]);
    const since = new Date(Date.now() - 1000).toISOString();
    const back = await createEndpoint(t.key, { name });
    const watcher = await createEndpoint(t.key, { events: ['webhook_endpoint.disabled'] });
    const id = await sendMail(t.key);
    await waitForNotification(t.key, id, allDeliveries('sent'));
    await waitForEvents(watcher.name, watcher.secret, hasType('webhook_endpoint.disabled'));
    await api('PATCH', `/v1/webhook-endpoints/${back.id}`, { key: t.key, body: { enabled: true } });
    const before = (await receivedRequests(name)).length;
    const replayed = await api('POST', `/v1/webhook-endpoints/${back.id}/replay`, { key: t.key, body: { since } });
    expect(replayed.status).toBe(202);
    expect(replayed.body.replayed).toBe(2); // notification.accepted and delivery.sent
    await waitForEvents(name, back.secret, (e) => e.length >= before + 2);
    await new Promise((r) => setTimeout(r, 1000));
    const received = await verifiedEvents(name, back.secret);
    expect(
      received
        .slice(before)
        .map((e) => e.payload.type)
        .sort(),
    ).toEqual(['delivery.sent', 'notification.accepted']);
  });

  it('a 410 answer to a test is reported and does not disable the endpoint', async () => {
    const t = await createTenant();
    const name = uniqueName('probe410');
    await scriptEndpoint(name, [{ status: 410 }]);
    const ep = await createEndpoint(t.key, { name });
    const res = await api('POST', `/v1/webhook-endpoints/${ep.id}/test`, { key: t.key });
    expect(res.body).toMatchObject({ succeeded: false, statusCode: 410 });
    const endpoint = (await api('GET', `/v1/webhook-endpoints/${ep.id}`, { key: t.key })).body;
    expect(endpoint).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('an endpoint failing for 5 days straight is disabled on its next failure', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('dying');
    await scriptEndpoint(name, [], { status: 500 });
    const ep = await createEndpoint(t.key, { events: ['delivery.sent'], name });
    const watcher = await createEndpoint(t.key, { events: ['webhook_endpoint.disabled'] });
    await testDb().execute(
      sql`UPDATE webhook_endpoints SET failing_since = now() - interval '121 hours' WHERE id = ${ep.id}`,
    );
    await sendMail(t.key);
    const [event] = await waitForEvents(watcher.name, watcher.secret, hasType('webhook_endpoint.disabled'));
    expect(event!.payload.data).toMatchObject({ endpointId: ep.id, reason: 'failing' });
    expect((await api('GET', `/v1/webhook-endpoints/${ep.id}`, { key: t.key })).body.disabledReason).toBe('failing');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await receivedRequests(name)).toHaveLength(1); // no retries once disabled
  });

  it('replay re-sends a window of events with their original ids; type filters apply; disabled → 409', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key);
    const since = new Date(Date.now() - 1000).toISOString();
    const id = await sendMail(t.key);
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const first = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 2);
    const replayed = await api('POST', `/v1/webhook-endpoints/${ep.id}/replay`, {
      key: t.key,
      body: { since, types: ['delivery.sent'] },
    });
    expect(replayed.status).toBe(202);
    expect(replayed.body.replayed).toBe(1);
    const after = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 3);
    const sentIds = ofType('delivery.sent')(after).map((e) => e.payload.id);
    expect(sentIds).toHaveLength(2);
    expect(sentIds[0]).toBe(sentIds[1]);
    expect(ofType('delivery.sent')(first)[0]!.request.body).toBe(ofType('delivery.sent')(after)[1]!.request.body);

    const all = await api('POST', `/v1/webhook-endpoints/${ep.id}/replay`, { key: t.key, body: { since } });
    expect(all.body.replayed).toBe(2);
    await waitForEvents(ep.name, ep.secret, (e) => e.length >= 5);

    await api('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: t.key, body: { enabled: false } });
    expectEnvelope(
      await api('POST', `/v1/webhook-endpoints/${ep.id}/replay`, { key: t.key, body: { since } }),
      409,
      'conflict',
    );
    const tooOld = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await api('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: t.key, body: { enabled: true } });
    expectEnvelope(
      await api('POST', `/v1/webhook-endpoints/${ep.id}/replay`, { key: t.key, body: { since: tooOld } }),
      422,
      'validation_failed',
    );
  });

  it('test sends a signed webhook.test now and returns the answer; the attempt is recorded', async () => {
    const t = await createTenant();
    const name = uniqueName('probe');
    await scriptEndpoint(name, [
      { status: 200, body: 'pong' },
      { status: 500, body: 'nope' },
    ]);
    const ep = await createEndpoint(t.key, { name });
    const ok = await api('POST', `/v1/webhook-endpoints/${ep.id}/test`, { key: t.key });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ succeeded: true, statusCode: 200, responseSnippet: 'pong', error: null });
    const [event] = await verifiedEvents(name, ep.secret);
    expect(event!.payload).toMatchObject({ type: 'webhook.test', id: ok.body.eventId });
    expect(ok.body.eventId).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    const failed = await api('POST', `/v1/webhook-endpoints/${ep.id}/test`, { key: t.key });
    expect(failed.body).toMatchObject({ succeeded: false, statusCode: 500, error: 'http_500' });
    const attempts = await attemptsOf(t.key, ep.id);
    expect(attempts.map((a) => [a.eventType, a.outcome])).toEqual([
      ['webhook.test', 'succeeded'],
      ['webhook.test', 'failed'],
    ]);
    const filtered = await api('GET', `/v1/webhook-endpoints/${ep.id}/attempts?outcome=failed`, { key: t.key });
    expect(filtered.body.data).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await receivedRequests(name)).toHaveLength(2); // a failed test is not retried
  });
});
