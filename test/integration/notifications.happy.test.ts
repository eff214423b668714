import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import {
  allDeliveries,
  endpointUrl,
  receivedMail,
  receivedRequests,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';

describe('POST /v1/notifications → queue → provider', () => {
  it('emails a subscriber over real SMTP: parseable message, status sent, attempt recorded', async () => {
    const t = await createLiveTenant();
    const email = `${uniqueName('ada')}@example.test`;
    await api('PUT', '/v1/subscribers/ada', { key: t.key, body: { email, name: 'Ada' } });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: 'ada',
        content: { subject: 'Your code: 123456', text: 'Use 123456 to sign in.', html: '<p>Use <b>123456</b></p>' },
        metadata: { orderId: 'o-1' },
      },
    });
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^ntf_/);
    expect(res.body.status).toBe('queued');
    expect(res.body.deliveries).toEqual([
      { id: expect.stringMatching(/^dlv_/), channel: 'email', status: 'queued', recipient: 'ada' },
    ]);

    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(done.status).toBe('completed');
    expect(done.metadata).toEqual({ orderId: 'o-1' });
    const delivery = done.deliveries[0];
    expect(delivery).toMatchObject({ provider: 'smtp', address: email, attemptCount: 1, lastError: null });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attemptNo: 1, provider: 'smtp', outcome: 'sent', responseCode: 250, error: null }),
    ]);

    const [mail, ...others] = await receivedMail(email);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({
      envelopeTo: [email],
      subject: 'Your code: 123456',
      messageId: `<${delivery.id}@notifykit>`,
    });
    expect(mail!.text).toContain('Use 123456 to sign in.');
    expect(mail!.html).toContain('<b>123456</b>');
    expect(mail!.headers['x-notifykit-notification-id']).toBe(res.body.id);
  });

  it('posts JSON to an inline webhook recipient with the delivery id as Idempotency-Key', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('hook');
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: endpointUrl(name) }, content: { title: 'Hi', body: 'There' }, data: { n: 1 } },
    });
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: any) => d.channel)).toEqual(['webhook']);
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const [request, ...more] = await receivedRequests(name);
    expect(more).toEqual([]);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['idempotency-key']).toBe(done.deliveries[0].id);
    expect(JSON.parse(request!.body)).toMatchObject({
      id: done.deliveries[0].id,
      notificationId: res.body.id,
      content: { title: 'Hi', body: 'There' },
      data: { n: 1 },
    });
  });

  it('fans out to every channel a subscriber can receive, in channel order, and to lists of recipients', async () => {
    const t = await createLiveTenant();
    const hook = uniqueName('multi');
    await api('PUT', '/v1/subscribers/u1', {
      key: t.key,
      body: { email: `${uniqueName('u1')}@example.test`, channels: { webhookUrl: endpointUrl(hook) } },
    });
    await api('PUT', '/v1/subscribers/u2', { key: t.key, body: { email: `${uniqueName('u2')}@example.test` } });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: ['u1', 'u2', 'u1'], content: { subject: 'S', text: 'T' }, priority: 'critical' },
    });
    expect(res.status).toBe(202);
    expect(res.body.deliveries.map((d: any) => `${d.recipient}:${d.channel}:${d.status}`)).toEqual([
      'u1:email:queued',
      'u1:webhook:queued',
      'u2:email:queued',
      'u2:webhook:failed',
    ]);
    const done = await waitForNotification(t.key, res.body.id, (n) =>
      n.deliveries.every((d: any) => d.status !== 'queued' && d.status !== 'sending'),
    );
    expect(done.deliveries.find((d: any) => d.recipient === 'u2' && d.channel === 'webhook').lastError.code).toBe(
      'recipient_unreachable',
    );
    expect(done.deliveries.filter((d: any) => d.status === 'sent')).toHaveLength(3);
  });

  it('bulk: accepts valid items, reports invalid ones per item, in one request', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('bulk');
    const item = (i: number) => ({ to: { webhookUrl: `${endpointUrl(name)}/${i}` }, content: { body: `#${i}` } });
    const res = await api('POST', '/v1/notifications/bulk', {
      key: t.key,
      body: { notifications: [item(0), { to: [], content: {} }, item(2), { to: 'nobody', content: { body: 'x' } }] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 2 });
    expect(res.body.results.map((r: any) => (r.notification ? 'ok' : r.error.code))).toEqual([
      'ok',
      'validation_failed',
      'ok',
      'validation_failed',
    ]);
    expect(res.body.results[3].error.details[0]).toMatchObject({ path: 'body.to', code: 'unknown_subscriber' });
    await waitForNotification(t.key, res.body.results[2].notification.id, allDeliveries('sent'));
    await expect.poll(async () => (await receivedRequests(name)).length).toBe(2);
  });

  it('lists newest first with status/channel filters and a cursor', async () => {
    const t = await createLiveTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: { webhookUrl: endpointUrl(uniqueName('list')) }, content: { body: `${i}` } },
      });
      ids.push(r.body.id);
    }
    await waitForNotification(t.key, ids[2]!, allDeliveries('sent'));
    const page1 = await api('GET', '/v1/notifications?limit=2', { key: t.key });
    expect(page1.body.data.map((n: any) => n.id)).toEqual([ids[2], ids[1]]);
    const page2 = await api('GET', `/v1/notifications?limit=2&after=${page1.body.next}`, { key: t.key });
    expect(page2.body.data.map((n: any) => n.id)).toEqual([ids[0]]);
    expect(page2.body.next).toBeNull();
    const emails = await api('GET', '/v1/notifications?channel=email', { key: t.key });
    expect(emails.body.data).toEqual([]);
    const failed = await api('GET', '/v1/notifications?status=failed', { key: t.key });
    expect(failed.body.data).toEqual([]);
    const since = await api(
      'GET',
      `/v1/notifications?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      { key: t.key },
    );
    expect(since.body.data).toEqual([]);
  });
});
