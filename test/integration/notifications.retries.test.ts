import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import {
  allDeliveries,
  endpointUrl,
  receivedMail,
  receivedRequests,
  scriptEndpoint,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';

async function sendWebhook(key: string, name: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'hello' } },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe('retries, failures and dead letters', () => {
  it('500, 500, then 200 → sent after 3 attempts, each recorded', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('flaky');
    await scriptEndpoint(name, [{ status: 500 }, { status: 503 }]);
    const id = await sendWebhook(t.key, name);
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    const d = done.deliveries[0];
    expect(d.attemptCount).toBe(3);
    expect(d.attempts.map((a: any) => [a.outcome, a.responseCode])).toEqual([
      ['retryable_error', 500],
      ['retryable_error', 503],
      ['sent', 200],
    ]);
    expect(d.attempts[0].error.code).toBe('http_500');
    expect(await receivedRequests(name)).toHaveLength(3);
  });

  it('429 with Retry-After: the next attempt waits at least that long', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('throttled');
    await scriptEndpoint(name, [{ status: 429, headers: { 'retry-after': '2' } }]);
    const id = await sendWebhook(t.key, name);
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const [first, second] = await receivedRequests(name);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it('a permanent 4xx fails at once with the reason, and is not retried', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('gone');
    await scriptEndpoint(name, [], { status: 404, body: 'no such hook' });
    const id = await sendWebhook(t.key, name);
    const done = await waitForNotification(t.key, id, allDeliveries('failed'));
    expect(done.status).toBe('failed');
    expect(done.deliveries[0].lastError).toEqual({ code: 'http_404', message: 'HTTP 404: no such hook' });
    expect(done.deliveries[0].attempts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await receivedRequests(name)).toHaveLength(1);
  });

  it('a redirect is not followed and counts as a failure', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('moved');
    await scriptEndpoint(name, [], { status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const id = await sendWebhook(t.key, name);
    const done = await waitForNotification(t.key, id, allDeliveries('failed'));
    expect(done.deliveries[0].lastError.code).toBe('redirect_not_followed');
  });

  it('SMTP 550 fails permanently; SMTP 451 is retried', async () => {
    const t = await createLiveTenant();
    const rejected = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `reject-${uniqueName('x')}@example.test` }, content: { subject: 's', text: 't' } },
    });
    const failed = await waitForNotification(t.key, rejected.body.id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('smtp_550');
    expect(failed.deliveries[0].attempts).toHaveLength(1);

    const busy = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `busy-${uniqueName('x')}@example.test` }, content: { subject: 's', text: 't' } },
    });
    const retried = await waitForNotification(t.key, busy.body.id, (n) => n.deliveries[0].attempts.length >= 2);
    expect(retried.deliveries[0].attempts[0]).toMatchObject({ outcome: 'retryable_error', responseCode: 451 });
  });

  it('always 500 → retries exhausted → DLQ → dead_lettered → replay delivers once the endpoint recovers', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('down');
    await scriptEndpoint(name, [], { status: 500 });
    const id = await sendWebhook(t.key, name);
    const dead = await waitForNotification(t.key, id, allDeliveries('dead_lettered'), 60_000);
    const d = dead.deliveries[0];
    expect(d.attemptCount).toBe(9); // first try + max_retries (8) in wrangler.toml
    expect(d.deadLetteredAt).not.toBeNull();
    expect(dead.status).toBe('failed');

    const listed = await api('GET', '/v1/dead-letters', { key: t.key });
    expect(listed.body.data.map((x: any) => x.id)).toEqual([d.id]);
    expect(listed.body.data[0]).toMatchObject({ notificationId: id, channel: 'webhook', attemptCount: 9 });

    await scriptEndpoint(name, [], { status: 200 });
    const replay = await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { ids: [d.id] } });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ replayed: 1, ids: [d.id], more: false });
    const again = await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { ids: [d.id] } });
    expect(again.body.replayed).toBe(0);

    const recovered = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(recovered.deliveries[0]).toMatchObject({ replays: 1, attemptCount: 10 });
    expect((await receivedRequests(name)).length).toBe(10);
    expect((await api('GET', '/v1/dead-letters', { key: t.key })).body.data).toEqual([]);
  });

  it('replay by filter re-enqueues only matching dead letters', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('down2');
    await scriptEndpoint(name, [], { status: 502 });
    const id = await sendWebhook(t.key, name);
    await waitForNotification(t.key, id, allDeliveries('dead_lettered'), 60_000);
    const none = await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { filter: { channel: 'email' } } });
    expect(none.body.replayed).toBe(0);
    await scriptEndpoint(name, [], { status: 200 });
    const some = await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { filter: { channel: 'webhook' } } });
    expect(some.body.replayed).toBe(1);
    await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(await receivedMail('nobody@example.test')).toEqual([]);
  });
});
