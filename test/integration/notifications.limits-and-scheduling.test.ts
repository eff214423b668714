import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deliveries, tenants } from '../../src/db/schema';
import worker from '../../src/index';
import { api, createLiveTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { allDeliveries, endpointUrl, receivedRequests, uniqueName, waitForNotification } from '../helpers/stand-ins';

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: new Date() }), testEnv, ctx);
}

describe('per-recipient limit', () => {
  it('defers deliveries over the limit instead of dropping them', async () => {
    const t = await createLiveTenant();
    await testDb()
      .update(tenants)
      .set({ recipientLimits: { webhook: { limit: 2, periodSeconds: 2 } } })
      .where(eq(tenants.id, t.tenantId));
    const name = uniqueName('limited');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: { webhookUrl: endpointUrl(name) }, content: { body: `#${i}` }, priority: 'critical' },
      });
      ids.push(r.body.id);
    }
    for (const id of ids) await waitForNotification(t.key, id, allDeliveries('sent'));
    const got = (await receivedRequests(name)).sort((a, b) => a.at - b.at);
    expect(got).toHaveLength(4);
    // 2 at once, the rest only after the bucket refilled (1 token per second).
    expect(got[3]!.at - got[0]!.at).toBeGreaterThanOrEqual(900);
    for (const id of ids) {
      const n = (await api('GET', `/v1/notifications/${id}`, { key: t.key })).body;
      expect(n.deliveries[0].attempts).toHaveLength(1); // a deferral is not a failed attempt
    }
  });
});

describe('scheduled sends (sendAt) and cancel', () => {
  it('stores a future sendAt as scheduled, and the cron hands it to the queue to fire at its second', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('later');
    const sendAt = new Date(Date.now() + 2000).toISOString();
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'later' }, sendAt },
    });
    expect(res.body.status).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 300));
    expect(await receivedRequests(name)).toEqual([]);
    await runCron();
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const [req] = await receivedRequests(name);
    expect(req!.at).toBeGreaterThanOrEqual(Date.parse(sendAt) - 50);
  });

  it('cancel turns pending deliveries into canceled; sent ones stay sent; the cron never sends them', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('canceled');
    const later = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { webhookUrl: endpointUrl(name) },
        content: { body: 'x' },
        sendAt: new Date(Date.now() + 1000).toISOString(),
      },
    });
    const canceled = await api('POST', `/v1/notifications/${later.body.id}/cancel`, { key: t.key });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect(canceled.body.deliveries.map((d: any) => d.status)).toEqual(['canceled']);
    await new Promise((r) => setTimeout(r, 1100));
    await runCron();
    await new Promise((r) => setTimeout(r, 500));
    expect(await receivedRequests(name)).toEqual([]);

    const sentName = uniqueName('sent');
    const now = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: endpointUrl(sentName) }, content: { body: 'x' } },
    });
    await waitForNotification(t.key, now.body.id, allDeliveries('sent'));
    // Nothing left to cancel on a finished notification: 409, and it stays sent.
    expectEnvelope(await api('POST', `/v1/notifications/${now.body.id}/cancel`, { key: t.key }), 409, 'conflict');
    const afterSend = await api('GET', `/v1/notifications/${now.body.id}`, { key: t.key });
    expect(afterSend.body.deliveries.map((d: any) => d.status)).toEqual(['sent']);
    expect(afterSend.body.status).toBe('completed');
    // Canceling a canceled one again answers it as it is.
    const again = await api('POST', `/v1/notifications/${later.body.id}/cancel`, { key: t.key });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('canceled');
  });

  it('the cron re-enqueues a delivery whose enqueue was lost, so nothing accepted is dropped', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('lost');
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { webhookUrl: endpointUrl(name) },
        content: { body: 'x' },
        sendAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    // Simulate "accepted and committed, but the queue send failed": due now, never enqueued.
    await testDb()
      .update(deliveries)
      .set({ nextAttemptAt: new Date(), enqueuedAt: null })
      .where(eq(deliveries.notificationId, res.body.id));
    await runCron();
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(await receivedRequests(name)).toHaveLength(1);
  });
});
