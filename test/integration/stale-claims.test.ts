import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { deliverMessage } from '../../src/queues/messages';
import { api, createLiveTenant, testDb, testEnv } from '../helpers/api';
import { allDeliveries, endpointUrl, receivedRequests, uniqueName, waitForNotification } from '../helpers/stand-ins';

/** One message for the delivery, handed to the consumer as the Queues runtime would (here: sent by the cron). */
async function deliver(tenantId: string, deliveryId: string) {
  const batch = createMessageBatch('notify-default', [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: deliverMessage(tenantId, deliveryId) },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

/**
 * A consumer that dies between its claim and its outcome write leaves the delivery `sending`; after
 * STALE_CLAIM_SECONDS the cron sends a message for it again and the consumer must take it over. Found by
 * bench/faults.mjs (consumer-crash): the consumer acked every `sending` row, stale or not, so such deliveries
 * stayed `sending` for ever — re-enqueued by every cron run, never sent, failed or dead-lettered.
 */
describe('abandoned claims', () => {
  async function claimedDelivery(claimedSecondsAgo: number) {
    const t = await createLiveTenant();
    const name = uniqueName('claim');
    // Scheduled an hour ahead, so no consumer touches it; then made to look claimed by a consumer that died.
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { webhookUrl: endpointUrl(name) },
        content: { body: 'once' },
        sendAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    const deliveryId: string = res.body.deliveries[0].id;
    await testDb().execute(sql`UPDATE deliveries SET status = 'sending', attempts = 1, next_attempt_at = now(),
      claimed_at = now() - make_interval(secs => ${claimedSecondsAgo}) WHERE id = ${deliveryId}`);
    return { t, name, deliveryId, notificationId: res.body.id as string };
  }

  it('a stale claim (older than 10 minutes) is taken over and sent once', async () => {
    const { t, name, deliveryId, notificationId } = await claimedDelivery(11 * 60);
    const result = await deliver(t.tenantId, deliveryId);
    expect(result.explicitAcks).toHaveLength(1);
    const done = await waitForNotification(t.key, notificationId, allDeliveries('sent'));
    expect(done.deliveries[0].attemptCount).toBe(2);
    expect(await receivedRequests(name)).toHaveLength(1);
    // A late copy of the message finds it sent and does nothing.
    await deliver(t.tenantId, deliveryId);
    expect(await receivedRequests(name)).toHaveLength(1);
  });

  it('a fresh claim belongs to a consumer still at work: the message is acked and nothing is sent', async () => {
    const { t, name, deliveryId, notificationId } = await claimedDelivery(5);
    const result = await deliver(t.tenantId, deliveryId);
    expect(result.explicitAcks).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await receivedRequests(name)).toEqual([]);
    const n = (await api('GET', `/v1/notifications/${notificationId}`, { key: t.key })).body;
    expect(n.deliveries[0].status).toBe('sending');
  });
});
