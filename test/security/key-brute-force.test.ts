import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope } from '../helpers/api';

describe('API key guessing', () => {
  it('throttles failed key checks per client IP (429 after the burst), without touching valid keys from elsewhere', async () => {
    const t = await createTenant('brute');
    const ip = { 'cf-connecting-ip': '203.0.113.77' };
    const guess = (i: number) => `nk_live_${String(i).padStart(43, 'a')}AAAAAA`;
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      statuses.push(
        (await api('GET', '/v1/subscribers', { headers: { ...ip, authorization: `Bearer ${guess(i)}` } })).status,
      );
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toContain(429);
    const limited = await api('GET', '/v1/subscribers', { headers: { ...ip, authorization: `Bearer ${guess(99)}` } });
    expectEnvelope(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A real key from another address is unaffected.
    expect((await api('GET', '/v1/subscribers', { key: t.key })).status).toBe(200);
  });
});
