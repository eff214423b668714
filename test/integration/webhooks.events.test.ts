import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { deliverMessage } from '../../src/queues/messages';
import { api, createLiveTenant, testDb, testEnv } from '../helpers/api';
import { receivedMail, receivedRequests, uniqueName } from '../helpers/stand-ins';
import { createEndpoint, hasType, ofType, verifiedEvents, waitForEvents } from '../helpers/webhooks';

async function runQueue(queue: string, bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 9, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv, ctx);
  return getQueueResult(batch, ctx);
}

async function runCron() {
  await worker.scheduled(
    createScheduledController({ cron: '* * * * *', scheduledTime: new Date() }),
    testEnv,
    createExecutionContext(),
  );
}

describe('events from the pipeline, the cron and the DLQs', () => {
  it('a delivery that fails before any provider call reports 0 attempts, as its empty attempts list says', async () => {
    const t = await createLiveTenant('no-call', { smtp: false });
    const ep = await createEndpoint(t.key, { events: ['delivery.failed'] });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: '+14155550123' }, content: { text: 'no sms provider' } },
    });
    const [event] = await waitForEvents(ep.name, ep.secret, hasType('delivery.failed'));
    expect(event!.payload.data).toMatchObject({
      deliveryId: res.body.deliveries[0].id,
      status: 'failed',
      error: { code: 'no_provider_configured' },
      attempts: 0,
    });
    const got = await api('GET', `/v1/notifications/${res.body.id}`, { key: t.key });
    expect(got.body.deliveries[0]).toMatchObject({ status: 'failed', attemptCount: 0, attempts: [] });
  });

  it('a delivery that reaches the dead-letter queue emits delivery.dead_lettered', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key, { events: ['delivery.dead_lettered'] });
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `${uniqueName('dl')}@example.test` }, content: { subject: 's', text: 't' }, sendAt },
    });
    const deliveryId = res.body.deliveries[0].id;
    const result = await runQueue('notify-default-dlq', [deliverMessage(t.tenantId, deliveryId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const [event] = await waitForEvents(ep.name, ep.secret, hasType('delivery.dead_lettered'));
    expect(event!.payload.data).toMatchObject({ deliveryId, notificationId: res.body.id, status: 'dead_lettered' });
    // The same dead letter again changes nothing and emits nothing.
    await runQueue('notify-default-dlq', [deliverMessage(t.tenantId, deliveryId)]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await verifiedEvents(ep.name, ep.secret)).toHaveLength(1);
  });

  it('a webhook message whose enqueue was lost is sent by the cron; one from the webhook DLQ is marked dead_lettered', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key);
    const db = testDb();
    const eventId = `evt_${crypto.randomUUID().replaceAll('-', '')}`;
    await db.execute(sql`INSERT INTO webhook_events (id, tenant_id, type, data)
      VALUES (${eventId}, ${t.tenantId}, 'notification.accepted', '{"notificationId":"ntf_x","metadata":{}}')`);
    await db.execute(sql`INSERT INTO webhook_messages (tenant_id, endpoint_id, event_id, status, next_attempt_at)
      VALUES (${t.tenantId}, ${ep.id}, ${eventId}, 'pending', now())`);
    await runCron();
    const [event] = await waitForEvents(ep.name, ep.secret, (e) => e.length >= 1);
    expect(event!.payload.id).toBe(eventId);

    const lostId = `evt_${crypto.randomUUID().replaceAll('-', '')}`;
    await db.execute(sql`INSERT INTO webhook_events (id, tenant_id, type, data)
      VALUES (${lostId}, ${t.tenantId}, 'notification.accepted', '{"metadata":{}}')`);
    await db.execute(sql`INSERT INTO webhook_messages (tenant_id, endpoint_id, event_id, status, next_attempt_at, enqueued_at)
      VALUES (${t.tenantId}, ${ep.id}, ${lostId}, 'pending', now() + interval '1 hour', now())`);
    const result = await runQueue('notify-webhooks-dlq', [
      { v: 1, type: 'webhook', tenantId: t.tenantId, endpointId: ep.id, eventId: lostId },
    ]);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await db.execute<{ status: string }>(
      sql`SELECT status FROM webhook_messages WHERE endpoint_id = ${ep.id} AND event_id = ${lostId}`,
    );
    expect(row.rows[0]!.status).toBe('dead_lettered');
    // A message naming another tenant's endpoint claims nothing.
    const other = await createLiveTenant();
    await runQueue('notify-webhooks', [
      { v: 1, type: 'webhook', tenantId: other.tenantId, endpointId: ep.id, eventId },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await receivedRequests(ep.name)).toHaveLength(1);
  });

  it('one-click unsubscribe emits subscriber.unsubscribed once, with the tenant’s subscriber id', async () => {
    const t = await createLiveTenant();
    const ep = await createEndpoint(t.key, { events: ['subscriber.unsubscribed'] });
    const email = `${uniqueName('lee')}@example.test`;
    await api('PUT', '/v1/subscribers/lee', { key: t.key, body: { email } });
    await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'lee', category: 'marketing', content: { subject: 'Deals', text: 'x' } },
    });
    let mail = (await receivedMail(email)).at(-1);
    for (let i = 0; !mail && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      mail = (await receivedMail(email)).at(-1);
    }
    const path = new URL(/<(http:\/\/api\.test\/u\/[^>]+)>/.exec(mail!.rawHeaders['list-unsubscribe']!)![1]!).pathname;
    const form = {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
    expect((await api('POST', path, form)).status).toBe(200);
    expect((await api('POST', path, form)).status).toBe(200);
    const events = await waitForEvents(ep.name, ep.secret, hasType('subscriber.unsubscribed'));
    expect(ofType('subscriber.unsubscribed')(events)[0]!.payload.data).toMatchObject({
      subscriberId: 'lee',
      category: 'marketing',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await verifiedEvents(ep.name, ep.secret)).toHaveLength(1);
  });
});
