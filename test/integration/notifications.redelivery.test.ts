import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { deliverMessage } from '../../src/queues/messages';
import { api, createLiveTenant, testEnv } from '../helpers/api';
import { allDeliveries, endpointUrl, receivedRequests, uniqueName, waitForNotification } from '../helpers/stand-ins';

/** Hands a batch straight to the worker's queue handler, as the Queues runtime would on a redelivery. */
async function redeliver(queue: string, tenantId: string, deliveryIds: string[]) {
  const batch = createMessageBatch(
    queue,
    deliveryIds.map((id, i) => ({
      id: `dup-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body: deliverMessage(tenantId, id),
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

describe('at-least-once queues, exactly-once provider calls', () => {
  it('the same message delivered again (and twice in one batch, concurrently) → the provider receives it once', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('dup');
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'only once' } },
    });
    const deliveryId = res.body.deliveries[0].id;
    // Race the real consumer with two more copies of the message, then redeliver once more after it is sent.
    const [raced] = await Promise.all([
      redeliver('notify-default', t.tenantId, [deliveryId, deliveryId]),
      redeliver('notify-default', t.tenantId, [deliveryId]),
    ]);
    expect(raced.explicitAcks.length + raced.retryMessages.length).toBe(2);
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const late = await redeliver('notify-default', t.tenantId, [deliveryId]);
    expect(late.explicitAcks).toHaveLength(1);
    expect(late.retryMessages).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await receivedRequests(name)).toHaveLength(1);
    const n = (await api('GET', `/v1/notifications/${res.body.id}`, { key: t.key })).body;
    expect(n.deliveries[0].attempts).toHaveLength(1);
  });

  it('a batch with one unknown and one malformed message acks those alone and still delivers the good one', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('mixed');
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'x' }, priority: 'low' },
    });
    const batch = createMessageBatch('notify-bulk', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: deliverMessage(t.tenantId, 'dlv_doesnotexist') },
      { id: 'm2', timestamp: new Date(), attempts: 1, body: { hello: 'world' } },
      { id: 'm3', timestamp: new Date(), attempts: 1, body: deliverMessage(t.tenantId, res.body.deliveries[0].id) },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks.sort()).toEqual(['m1', 'm2', 'm3']);
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(await receivedRequests(name)).toHaveLength(1);
  });

  it("a message naming another tenant's delivery is not processed", async () => {
    const a = await createLiveTenant();
    const b = await createLiveTenant();
    const name = uniqueName('cross');
    const res = await api('POST', '/v1/notifications', {
      key: a.key,
      body: {
        to: { webhookUrl: endpointUrl(name) },
        content: { body: 'x' },
        sendAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    const result = await redeliver('notify-default', b.tenantId, [res.body.deliveries[0].id]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await receivedRequests(name)).toEqual([]);
    const n = (await api('GET', `/v1/notifications/${res.body.id}`, { key: a.key })).body;
    expect(n.deliveries[0].status).toBe('queued');
  });
});
