import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { api, createLiveTenant, createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { allDeliveries, endpointUrl, receivedRequests, uniqueName, waitForNotification } from '../helpers/stand-ins';

async function runCron(scheduledTime = new Date(), cron = '* * * * *') {
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), testEnv, createExecutionContext());
}

async function hookSend(key: string, name: string, sendAt: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'later' }, sendAt },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

describe('scheduled sends', () => {
  it('overlapping cron runs enqueue each due delivery once; future ones are left alone', async () => {
    const t = await createLiveTenant();
    const names = [0, 1, 2, 3, 4].map(() => uniqueName('due'));
    const ids = [];
    for (const name of names) ids.push(await hookSend(t.key, name, new Date(Date.now() + 3600_000).toISOString()));
    const future = uniqueName('future');
    const futureId = await hookSend(t.key, future, new Date(Date.now() + 7200_000).toISOString());
    // Time passes: the five are due in two seconds (the future one is not).
    await testDb().execute(sql`UPDATE deliveries SET next_attempt_at = now() + interval '2 seconds'
      WHERE notification_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
    await Promise.all([runCron(), runCron(), runCron()]);
    for (const id of ids) await waitForNotification(t.key, id, allDeliveries('sent'));
    await new Promise((r) => setTimeout(r, 500));
    for (const name of names) expect(await receivedRequests(name)).toHaveLength(1);
    expect(await receivedRequests(future)).toEqual([]);
    const pending = await api('GET', `/v1/notifications/${futureId}`, { key: t.key });
    expect(pending.body.status).toBe('scheduled');
  });

  it('reschedule moves a scheduled send (earlier or later) until it fires; then 409', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('moved');
    const id = await hookSend(t.key, name, new Date(Date.now() + 3600_000).toISOString());
    const later = new Date(Date.now() + 7200_000).toISOString();
    const moved = await api('POST', `/v1/notifications/${id}/reschedule`, { key: t.key, body: { sendAt: later } });
    expect(moved.status).toBe(200);
    expect(moved.body.sendAt).toBe(later);
    const soon = new Date(Date.now() + 1500).toISOString();
    await api('POST', `/v1/notifications/${id}/reschedule`, { key: t.key, body: { sendAt: soon } });
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const [req] = await receivedRequests(name);
    expect(req!.at).toBeGreaterThanOrEqual(Date.parse(soon) - 50);
    expectEnvelope(
      await api('POST', `/v1/notifications/${id}/reschedule`, { key: t.key, body: { sendAt: later } }),
      409,
      'conflict',
    );
    for (const sendAt of ['2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 'soon']) {
      expectEnvelope(
        await api('POST', `/v1/notifications/${id}/reschedule`, { key: t.key, body: { sendAt } }),
        422,
        'validation_failed',
      );
    }
    const other = await createTenant();
    expectEnvelope(
      await api('POST', `/v1/notifications/${id}/reschedule`, { key: other.key, body: { sendAt: later } }),
      404,
      'not_found',
    );
  });

  it('a message in flight for the old time does not send a send moved later', async () => {
    const t = await createLiveTenant();
    const name = uniqueName('inflight');
    const id = await hookSend(t.key, name, new Date(Date.now() + 1500).toISOString()); // enqueued now, delayed
    await api('POST', `/v1/notifications/${id}/reschedule`, {
      key: t.key,
      body: { sendAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await receivedRequests(name)).toEqual([]);
    expect((await api('GET', `/v1/notifications/${id}`, { key: t.key })).body.status).toBe('scheduled');
  });
});

describe('cron triggers', () => {
  it('dispatches by expression: the hourly trigger runs maintenance (expired idempotency keys go)', async () => {
    const t = await createTenant();
    const db = testDb();
    await db.execute(sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash, status, expires_at)
      VALUES (${t.tenantId}, 'old-key', 'x', 'done', now() - interval '1 hour')`);
    await runCron(new Date(), '* * * * *');
    const still = await db.execute(sql`SELECT 1 FROM idempotency_keys WHERE tenant_id = ${t.tenantId}`);
    expect(still.rows).toHaveLength(1);
    await runCron(new Date(), '0 * * * *');
    const gone = await db.execute(sql`SELECT 1 FROM idempotency_keys WHERE tenant_id = ${t.tenantId}`);
    expect(gone.rows).toHaveLength(0);
  });
});
