import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertBroadcast } from '../../src/db/queries/broadcasts';
import worker from '../../src/index';
import { newId } from '../../src/lib/ids';
import { deliverMessage } from '../../src/queues/messages';
import { api, createTenant, type TestTenant, testDb, testEnv } from '../helpers/api';

/** Hands a batch straight to the worker's queue handler, as the Queues runtime would. */
async function consume(queue: string, bodies: unknown[], env = testEnv) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return { ids: batch.messages.map((m) => m.id), result: await getQueueResult(batch, ctx) };
}

/** A topic of `n` subscribers made through the API. */
async function topicOf(t: TestTenant, key: string, n: number) {
  const members = Array.from({ length: n }, (_, i) => `${key}-member-${i}`);
  for (const [n, id] of members.entries()) {
    await api('PUT', `/v1/subscribers/${id}`, { key: t.key, body: { phone: `+1415555${1000 + n}` } });
  }
  expect((await api('POST', '/v1/topics', { key: t.key, body: { key, name: key } })).status).toBe(201);
  await api('PUT', `/v1/topics/${key}/subscribers`, { key: t.key, body: { subscribers: members } });
  const row = await testDb().execute<{ id: string }>(
    sql`SELECT id FROM topics WHERE tenant_id = ${t.tenantId} AND key = ${key}`,
  );
  return row.rows[0]!.id;
}

/**
 * A broadcast still fanning out, as POST /v1/notifications to a topic leaves it, but with no fan-out message in
 * flight: the test hands the consumer that message itself.
 */
async function fanningOut(t: TestTenant, topicKey: string, topicId: string, request: Record<string, unknown>) {
  const b = await insertBroadcast(testDb(), {
    id: newId('brd'),
    tenantId: t.tenantId,
    topicId,
    topicKey,
    mode: 'test',
    request,
    status: 'fanning_out',
    total: 2,
  });
  return b!.id;
}

const fanoutMessage = (tenantId: string, broadcastId: string) => ({ v: 1, type: 'fanout', tenantId, broadcastId });

describe('queue consumers: messages they cannot use', () => {
  it('a batch from a queue the worker does not know is retried whole, later', async () => {
    const t = await createTenant();
    const { result } = await consume('notify-nonsense', [deliverMessage(t.tenantId, 'dlv_x')]);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual([]);
  });

  it.each([
    ['notify-default', { v: 1, type: 'deliver' }],
    ['notify-default', 'not json at all'],
    ['notify-fanout', { v: 1, type: 'fanout', tenantId: 't' }],
    ['notify-webhooks', { v: 2, type: 'webhook', tenantId: 't', endpointId: 'e', eventId: 'v' }],
  ])('%s: an unparsable message is acked (a retry could not fix it), not retried', async (queue, body) => {
    const { ids, result } = await consume(queue, [body]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(result.retryBatch.retry).toBe(false);
  });
});

describe('broadcast fan-out that cannot continue', () => {
  it('a chunk of which no member can be planned (its template is gone) ends the broadcast as failed, not looping', async () => {
    const t = await createTenant();
    const topicId = await topicOf(t, 'gone', 2);
    const id = await fanningOut(t, 'gone', topicId, { template: 'deleted-template', data: {} });

    const { ids, result } = await consume('notify-fanout', [fanoutMessage(t.tenantId, id)]);
    expect(result.explicitAcks).toEqual(ids);
    const b = (await api('GET', `/v1/broadcasts/${id}`, { key: t.key })).body;
    expect(b.status).toBe('failed');
    expect(b.error.code).toBe('validation_failed');
    expect(b.error.message).toEqual(expect.any(String));
    expect(b.progress).toMatchObject({ enqueued: 0, deliveries: 0 });
    expect(b.completedAt).not.toBeNull();

    // A redelivered message for the ended broadcast changes nothing.
    await consume('notify-fanout', [fanoutMessage(t.tenantId, id)]);
    expect((await api('GET', `/v1/broadcasts/${id}`, { key: t.key })).body).toMatchObject({ status: 'failed' });
  });

  it('its fan-out message reaching the dead-letter queue marks the broadcast failed (dead_lettered), visibly', async () => {
    const t = await createTenant();
    const topicId = await topicOf(t, 'dlq', 2);
    const id = await fanningOut(t, 'dlq', topicId, { content: { text: 'hi' } });

    const { ids, result } = await consume('notify-fanout-dlq', [fanoutMessage(t.tenantId, id)]);
    expect(result.explicitAcks).toEqual(ids);
    const b = (await api('GET', `/v1/broadcasts/${id}`, { key: t.key })).body;
    expect(b).toMatchObject({
      status: 'failed',
      error: { code: 'dead_lettered', message: 'the fan-out could not continue after repeated failures' },
    });
    expect(b.progress.enqueued).toBe(0);

    // The fan-out is over: a late copy of the chunk on the live queue sends nothing.
    await consume('notify-fanout', [fanoutMessage(t.tenantId, id)]);
    expect((await api('GET', `/v1/broadcasts/${id}`, { key: t.key })).body.progress.enqueued).toBe(0);
  });
});

describe('queue consumers while the database is unreachable', () => {
  /** The worker's bindings with the database pointed at a port where nothing listens. */
  const deadDb = { ...testEnv, DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/app' };

  it.each([
    ['notify-default', (t: string) => deliverMessage(t, 'dlv_01kdeaddb000000000000000000')],
    ['notify-default-dlq', (t: string) => deliverMessage(t, 'dlv_01kdeaddb000000000000000001')],
    ['notify-fanout', (t: string) => fanoutMessage(t, 'brd_01kdeaddb000000000000000000')],
  ])('%s: every message is retried (none acked, none lost)', async (queue, body) => {
    const t = await createTenant();
    const { ids, result } = await consume(queue, [body(t.tenantId), body(t.tenantId)], deadDb);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual([...ids].sort());
  });
});
