import { describe, expect, it } from 'vitest';
import { api, expectEnvelope } from '../helpers/api';

describe('signup errors', () => {
  it('422 lists each invalid field', async () => {
    const error = expectEnvelope(
      await api('POST', '/v1/tenants', { body: { name: '', email: 'not-an-email' } }),
      422,
      'validation_failed',
    );
    expect(error.details!.map((d) => d.path).sort()).toEqual(['body.email', 'body.name']);
  });

  it('422 for unknown fields (typos are not silently ignored)', async () => {
    const error = expectEnvelope(
      await api('POST', '/v1/tenants', { body: { name: 'A', email: 'a@b.test', plan: 'pro' } }),
      422,
      'validation_failed',
    );
    expect(JSON.stringify(error.details)).toContain('plan');
  });

  it('400 for malformed JSON', async () => {
    const res = await api('POST', '/v1/tenants', {
      rawBody: '{"name": "A",',
      headers: { 'content-type': 'application/json' },
    });
    expectEnvelope(res, 400, 'invalid_json');
  });

  it('415 for a non-JSON content type', async () => {
    const res = await api('POST', '/v1/tenants', {
      rawBody: 'name=A&email=a@b.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectEnvelope(res, 415, 'unsupported_media_type');
  });

  it('413 for a body over 256 KB', async () => {
    const res = await api('POST', '/v1/tenants', { body: { name: 'x'.repeat(300 * 1024), email: 'a@b.test' } });
    expectEnvelope(res, 413, 'payload_too_large');
  });

  it('a missing body is a client error, not a 500', async () => {
    const res = await api('POST', '/v1/tenants', { headers: { 'content-type': 'application/json' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.code).toMatch(/invalid_request|validation_failed/);
  });
});

describe('signup rate limit (per client IP)', () => {
  it('allows SIGNUP_RATE_LIMIT_PER_HOUR signups per IP, then 429 with Retry-After', async () => {
    const ip = '192.0.2.77';
    const headers = { 'cf-connecting-ip': ip };
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await api('POST', '/v1/tenants', { body: { name: `T${i}`, email: `t${i}@rl.test` }, headers });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expectEnvelope(last!, 429, 'rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(last!.headers.get('ratelimit-limit')).toBe('10');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');

    const otherIp = await api('POST', '/v1/tenants', { body: { name: 'Other', email: 'o@rl.test' } });
    expect(otherIp.status).toBe(201);
  });
});
