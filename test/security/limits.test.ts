import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { timingSafeEqualStrings } from '../../src/lib/timing-safe';
import { api, createTenant, expectEnvelope, testDb } from '../helpers/api';

/**
 * A body that never ends: 64 KB chunks produced on demand, counting what the server pulled. Buffering it whole
 * before checking the size would never finish; the cap must stop reading soon after the limit.
 */
function endlessBody() {
  const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(64 * 1024)}`);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

async function notificationCount(tenantId: string) {
  const { rows } = await testDb().execute(
    sql`SELECT count(*)::int AS n FROM notifications WHERE tenant_id = ${tenantId}`,
  );
  return (rows[0] as { n: number }).n;
}

describe('body size limits', () => {
  it('a declared Content-Length over 256 KB is refused before the body is read (413, nothing written)', async () => {
    const t = await createTenant('limits-declared');
    const body = JSON.stringify({
      to: { email: 'a@example.test' },
      content: { subject: 'x', text: 'y'.repeat(300_000) },
    });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(res, 413, 'payload_too_large');
    expect(await notificationCount(t.tenantId)).toBe(0);
  });

  it('a streamed body without Content-Length is cut off at the cap, not buffered whole', async () => {
    const t = await createTenant('limits-chunked');
    const { stream, counter } = endlessBody();
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      rawBody: stream,
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(res, 413, 'payload_too_large');
    // 256 KB limit: the reader stopped within a few chunks of it (pipes between the client and the isolate may
    // read ahead a little), nowhere near "everything".
    expect(counter.pulled).toBeGreaterThan(256 * 1024);
    expect(counter.pulled).toBeLessThan(4 * 1024 * 1024);
    expect(await notificationCount(t.tenantId)).toBe(0);
  });

  it('a body just under the cap is accepted and validated as usual', async () => {
    const t = await createTenant('limits-under');
    const text = 'y'.repeat(200 * 1024);
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { webhookUrl: 'https://hooks.example.test/x' }, content: { title: 'x', body: text } },
    });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it('provider receipts stop at 1 MiB and dashboard sign-in at 4 KB, streamed or declared', async () => {
    const t = await createTenant('limits-receipts');
    const hooks = await api('GET', '/v1/inbound-hooks', { key: t.key });
    const receiptPath = new URL(hooks.body.urls.sendgrid).pathname;
    const receipt = endlessBody();
    const big = await api('POST', receiptPath, {
      rawBody: receipt.stream,
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(big, 413, 'payload_too_large');
    expect(receipt.counter.pulled).toBeLessThan(8 * 1024 * 1024);

    const signIn = endlessBody();
    const session = await api('POST', '/dashboard/session', {
      rawBody: signIn.stream,
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(session, 413, 'payload_too_large');
    const declared = await api('POST', '/dashboard/session', { body: { apiKey: 'k'.repeat(5000) } });
    expectEnvelope(declared, 413, 'payload_too_large');
  });
});

describe('header size limits', () => {
  it('oversized auth, idempotency, request-id and traceparent headers get the envelope or are replaced, never a 500', async () => {
    const t = await createTenant('limits-headers');
    const huge = 'a'.repeat(16 * 1024);
    expectEnvelope(
      await api('GET', '/v1/notifications', { headers: { authorization: `Bearer ${huge}` } }),
      401,
      'invalid_api_key',
    );
    const send = { to: { webhookUrl: 'https://hooks.example.test/x' }, content: { title: 'x', body: 'y' } };
    const idem = await api('POST', '/v1/notifications', {
      key: t.key,
      body: send,
      headers: { 'idempotency-key': huge },
    });
    expectEnvelope(idem, 422, 'validation_failed');

    const traced = await api('POST', '/v1/notifications', {
      key: t.key,
      body: send,
      headers: { 'x-request-id': huge, traceparent: `00-${huge}-01`, 'x-filler': 'f'.repeat(32 * 1024) },
    });
    expect(traced.status).toBe(202);
    // Not echoed back: a fresh request id and a fresh, well-formed trace.
    expect(traced.headers.get('x-request-id')).toMatch(/^req_[0-9a-z]{26}$/);
    expect(traced.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(await notificationCount(t.tenantId)).toBe(1);
  });
});

describe('constant-time comparison helper', () => {
  it('equal strings match; a different, shorter, longer or empty one does not', async () => {
    const secret = 'whsec_0123456789abcdef';
    expect(await timingSafeEqualStrings(secret, `${secret}`)).toBe(true);
    expect(await timingSafeEqualStrings(secret, 'whsec_0123456789abcdeF')).toBe(false);
    expect(await timingSafeEqualStrings(secret, secret.slice(0, -1))).toBe(false);
    expect(await timingSafeEqualStrings(secret, `${secret}0`)).toBe(false);
    expect(await timingSafeEqualStrings(secret, '')).toBe(false);
    expect(await timingSafeEqualStrings('', '')).toBe(true);
  });
});
