import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, testDb } from '../helpers/api';
import { receivedRequests, scriptEndpoint, uniqueName } from '../helpers/stand-ins';
import { createEndpoint } from '../helpers/webhooks';

async function messagesOf(endpointId: string) {
  const res = await testDb().execute<{ status: string; lastError: string | null; attempts: number }>(sql`
    SELECT status, last_error AS "lastError", attempts FROM webhook_messages WHERE endpoint_id = ${endpointId}`);
  return res.rows;
}

async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`condition not reached: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('an endpoint disabled while a retry is pending', () => {
  it('the retry is closed as failed (endpoint_disabled) without another POST', async () => {
    const t = await createLiveTenant('disable');
    const name = uniqueName('off');
    // First answer: 503 asking for 4 s, time enough to disable the endpoint before the retry is due.
    await scriptEndpoint(name, [{ status: 503, headers: { 'retry-after': '4' } }]);
    const ep = await createEndpoint(t.key, { events: ['delivery.sent'], name });
    const sent = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `${uniqueName('to')}@example.test` }, content: { subject: 'Hi', text: 'hello' } },
    });
    expect(sent.status).toBe(202);
    await poll(
      () => receivedRequests(name),
      (r) => r.length === 1,
    );
    const off = await api('PATCH', `/v1/webhook-endpoints/${ep.id}`, { key: t.key, body: { enabled: false } });
    expect(off.body.enabled).toBe(false);

    const [closed] = await poll(
      () => messagesOf(ep.id),
      (rows) => rows[0]?.status === 'failed',
    );
    expect(closed).toMatchObject({ status: 'failed', lastError: 'endpoint_disabled', attempts: 2 });
    expect(await receivedRequests(name)).toHaveLength(1);
    const attempts = await api('GET', `/v1/webhook-endpoints/${ep.id}/attempts?limit=100`, { key: t.key });
    expect(attempts.body.data.map((a: any) => [a.attemptNo, a.outcome, a.statusCode])).toEqual([[1, 'failed', 503]]);
  });
});
