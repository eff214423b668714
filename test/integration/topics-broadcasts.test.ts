import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { api, createTenant, expectEnvelope, type TestTenant, testDb, testEnv } from '../helpers/api';

/** Inserts `n` subscribers with email directly (arranging a large topic through the API would take minutes). */
async function seedSubscribers(tenantId: string, n: number, prefix: string) {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  const rows = ids.map((externalId, i) => ({
    id: `sub_${prefix
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 8)
      .padEnd(8, '0')}${String(i).padStart(18, '0')}`,
    externalId,
    email: `${externalId}@example.test`,
  }));
  await testDb().execute(sql`
    INSERT INTO subscribers (id, tenant_id, external_id, email)
    SELECT id, ${tenantId}, "externalId", email FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(id text, "externalId" text, email text)`);
  return ids;
}

async function topicWith(t: TestTenant, key: string, members: string[]) {
  expect((await api('POST', '/v1/topics', { key: t.key, body: { key, name: key } })).status).toBe(201);
  for (let i = 0; i < members.length; i += 1000) {
    const res = await api('PUT', `/v1/topics/${key}/subscribers`, {
      key: t.key,
      body: { subscribers: members.slice(i, i + 1000) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

async function waitForBroadcast(key: string, id: string, done: (b: any) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let b: any;
  while (Date.now() < deadline) {
    b = (await api('GET', `/v1/broadcasts/${id}`, { key })).body;
    if (done(b)) return b;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`broadcast did not finish: ${JSON.stringify(b)}`);
}

describe('topics', () => {
  it('create, add up to 1,000 per call (idempotent, unknown ids reported), list, remove, delete', async () => {
    const t = await createTenant();
    const ids = await seedSubscribers(t.tenantId, 3, `tp${crypto.randomUUID().slice(0, 6)}`);
    const created = await api('POST', '/v1/topics', { key: t.key, body: { key: 'news', name: 'News' } });
    expect(created.body).toMatchObject({ key: 'news', name: 'News', subscriberCount: 0 });
    expectEnvelope(await api('POST', '/v1/topics', { key: t.key, body: { key: 'news' } }), 409, 'conflict');
    const added = await api('PUT', '/v1/topics/news/subscribers', {
      key: t.key,
      body: { subscribers: [...ids, 'nobody'] },
    });
    expect(added.body).toEqual({ added: 3, unknown: ['nobody'] });
    const again = await api('PUT', '/v1/topics/news/subscribers', { key: t.key, body: { subscribers: ids } });
    expect(again.body).toEqual({ added: 0, unknown: [] });
    expect((await api('GET', '/v1/topics/news', { key: t.key })).body.subscriberCount).toBe(3);
    const page1 = await api('GET', '/v1/topics/news/subscribers?limit=2', { key: t.key });
    const page2 = await api('GET', `/v1/topics/news/subscribers?limit=2&after=${page1.body.next}`, { key: t.key });
    expect([...page1.body.data, ...page2.body.data].map((m: any) => m.subscriberId).sort()).toEqual([...ids].sort());
    const removed = await api('POST', '/v1/topics/news/subscribers/remove', {
      key: t.key,
      body: { subscribers: [ids[0], 'nobody'] },
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ removed: 1 });
    // One member: a DELETE without a body, 204; a second time it is no member, 404.
    const one = await api('DELETE', `/v1/topics/news/subscribers/${ids[1]}`, { key: t.key });
    expect(one.status).toBe(204);
    expectEnvelope(await api('DELETE', `/v1/topics/news/subscribers/${ids[1]}`, { key: t.key }), 404, 'not_found');
    expect((await api('GET', '/v1/topics', { key: t.key })).body.data[0]).toMatchObject({
      key: 'news',
      subscriberCount: 1,
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    expectEnvelope(
      await api('PUT', '/v1/topics/news/subscribers', { key: t.key, body: { subscribers: tooMany } }),
      422,
      'validation_failed',
    );
    expectEnvelope(
      await api('POST', '/v1/topics', { key: t.key, body: { key: 'bad key!' } }),
      422,
      'validation_failed',
    );
    expect((await api('DELETE', '/v1/topics/news', { key: t.key })).status).toBe(204);
    expectEnvelope(await api('GET', '/v1/topics/news', { key: t.key }), 404, 'not_found');
  });

  it("another tenant's key sees 404 on every topic and broadcast route, and empty lists", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const members = await seedSubscribers(a.tenantId, 2, `iso${crypto.randomUUID().slice(0, 5)}`);
    await topicWith(a, 'vip', members);
    const sent = await api('POST', '/v1/notifications', {
      key: a.key,
      body: { to: { topic: 'vip' }, content: { subject: 'Hi', text: 'x' } },
    });
    const brd = sent.body.broadcastId;
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/topics/vip'],
      ['DELETE', '/v1/topics/vip'],
      ['PUT', '/v1/topics/vip/subscribers', { subscribers: members }],
      ['POST', '/v1/topics/vip/subscribers/remove', { subscribers: members }],
      ['DELETE', `/v1/topics/vip/subscribers/${members[0]}`],
      ['GET', '/v1/topics/vip/subscribers'],
      ['GET', `/v1/broadcasts/${brd}`],
      ['POST', `/v1/broadcasts/${brd}/cancel`],
    ];
    for (const [method, path, body] of routes) {
      expectEnvelope(await api(method, path, { key: b.key, ...(body ? { body } : {}) }), 404, 'not_found');
    }
    expect((await api('GET', '/v1/topics', { key: b.key })).body.data).toEqual([]);
    expect((await api('GET', '/v1/broadcasts', { key: b.key })).body.data).toEqual([]);
    // B cannot send to A's topic either: for B it does not exist.
    const cross = await api('POST', '/v1/notifications', {
      key: b.key,
      body: { to: { topic: 'vip' }, content: { subject: 'Hi', text: 'x' } },
    });
    expect(expectEnvelope(cross, 422, 'validation_failed').details![0]!.code).toBe('unknown_topic');
    expect((await api('GET', '/v1/topics/vip', { key: a.key })).body.subscriberCount).toBe(2);
  });
});

describe('broadcasts', () => {
  it('a send to a topic of 2,000 is accepted at once and fanned out: each subscriber gets exactly one', async () => {
    const t = await createTenant();
    const members = await seedSubscribers(t.tenantId, 2000, `bc${crypto.randomUUID().slice(0, 6)}`);
    await topicWith(t, 'everyone', members);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { topic: 'everyone' }, content: { subject: 'Launch', text: 'We launched' }, metadata: { c: 1 } },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ topic: 'everyone', status: 'fanning_out', total: 2000 });
    expect(res.body.broadcastId).toMatch(/^brd_/);
    const done = await waitForBroadcast(
      t.key,
      res.body.id,
      (b) => b.status === 'completed' && b.progress.sent === 2000,
    );
    expect(done.progress).toMatchObject({ enqueued: 2000, deliveries: 2000, pending: 0, failed: 0 });
    // Finished: nothing left to cancel → 409, and it stays completed.
    expectEnvelope(await api('POST', `/v1/broadcasts/${res.body.id}/cancel`, { key: t.key }), 409, 'conflict');
    expect((await api('GET', `/v1/broadcasts/${res.body.id}`, { key: t.key })).body.status).toBe('completed');

    // A duplicated fan-out message (at-least-once queues) creates nothing more.
    const batch = createMessageBatch('notify-fanout', [
      {
        id: 'dup',
        timestamp: new Date(),
        attempts: 1,
        body: { v: 1, type: 'fanout', tenantId: t.tenantId, broadcastId: res.body.id },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    const perSubscriber = await testDb().execute<{ n: number; subs: number }>(sql`
      SELECT count(*)::int AS n, count(DISTINCT d.subscriber_id)::int AS subs
      FROM notifications n JOIN deliveries d ON d.notification_id = n.id
      WHERE n.tenant_id = ${t.tenantId} AND n.broadcast_id = ${res.body.id}`);
    expect(perSubscriber.rows[0]).toEqual({ n: 2000, subs: 2000 });
    const sandbox = await api('GET', `/v1/sandbox/messages?recipient=${members[1234]}`, { key: t.key });
    expect(sandbox.body.data).toHaveLength(1);
  });

  it("the tenant's fan-out rate throttles the chunks", async () => {
    const t = await createTenant();
    await testDb().execute(sql`UPDATE tenants SET broadcast_rate_per_second = 100 WHERE id = ${t.tenantId}`);
    const members = await seedSubscribers(t.tenantId, 300, `th${crypto.randomUUID().slice(0, 6)}`);
    await topicWith(t, 'slow', members);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { topic: 'slow' }, content: { subject: 'x', text: 'y' } },
    });
    await waitForBroadcast(t.key, res.body.id, (b) => b.status === 'completed');
    const spread = await testDb().execute<{ chunks: number; seconds: number }>(sql`
      SELECT count(DISTINCT date_trunc('second', created_at))::int AS chunks,
        extract(epoch FROM max(created_at) - min(created_at))::float AS seconds
      FROM notifications WHERE tenant_id = ${t.tenantId} AND broadcast_id = ${res.body.id}`);
    // 300 at 100/s: three chunks of 100, the 2nd and 3rd each waiting for the bucket to refill.
    expect(spread.rows[0]!.seconds).toBeGreaterThanOrEqual(1.5);
  });

  it('cancel stops the fan-out and cancels what has not been sent; bad topic sends are 422', async () => {
    const t = await createTenant();
    await testDb().execute(sql`UPDATE tenants SET broadcast_rate_per_second = 50 WHERE id = ${t.tenantId}`);
    const members = await seedSubscribers(t.tenantId, 500, `cx${crypto.randomUUID().slice(0, 6)}`);
    await topicWith(t, 'big', members);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { topic: 'big' }, content: { subject: 'x', text: 'y' } },
    });
    const canceled = await api('POST', `/v1/broadcasts/${res.body.id}/cancel`, { key: t.key });
    expect(canceled.body.status).toBe('canceled');
    await new Promise((r) => setTimeout(r, 2500));
    const after = (await api('GET', `/v1/broadcasts/${res.body.id}`, { key: t.key })).body;
    expect(after.progress.enqueued).toBeLessThan(500);
    expect(after.status).toBe('canceled');
    for (const body of [
      { to: { topic: 'missing' }, content: { subject: 'x', text: 'y' } },
      { to: { topic: 'big' }, template: 'no-such-template' },
      { to: { topic: 'bad topic' }, content: { subject: 'x', text: 'y' } },
    ]) {
      expectEnvelope(await api('POST', '/v1/notifications', { key: t.key, body }), 422, 'validation_failed');
    }
    const bulk = await api('POST', '/v1/notifications/bulk', {
      key: t.key,
      body: { notifications: [{ to: { topic: 'big' }, content: { subject: 'x', text: 'y' } }] },
    });
    expect(JSON.stringify(bulk.body)).toContain('topic_not_allowed');
  });
});
