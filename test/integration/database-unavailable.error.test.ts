import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { expectEnvelope, testEnv } from '../helpers/api';

/** The same app with its database pointed at a port where nothing listens. */
async function callWithDeadDatabase(path: string, init?: RequestInit) {
  const app = createApp();
  const env = { ...testEnv, DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/app' };
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://api.test${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  const body = await res.json();
  return { status: res.status, headers: res.headers, body };
}

describe('database unreachable', () => {
  it('/ready answers 503 service_unavailable with Retry-After, not 500', async () => {
    const res = await callWithDeadDatabase('/ready');
    expectEnvelope(res, 503, 'service_unavailable');
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('an authenticated call answers 503 with the envelope', async () => {
    const res = await callWithDeadDatabase('/v1/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '198.51.100.9' },
      body: JSON.stringify({ name: 'x', email: 'x@y.test' }),
    });
    expectEnvelope(res, 503, 'service_unavailable');
  });
});
