import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope, randomIp } from '../helpers/api';
import { asSubscriber, inboxToken } from '../helpers/inbox';

/** SUBSCRIBER_RATE_LIMIT_PER_SECOND's default (src/env.ts): burst = one second's worth. */
const LIMIT = 20;

describe('subscriber-token routes are rate limited per subscriber', () => {
  it('a burst gets 429 + Retry-After with RateLimit-* headers; every token of that subscriber shares it; others are unaffected', async () => {
    const t = await createTenant('subscriber-limits');
    const kim = await inboxToken(t.key, 'kim');
    const kimOtherTab = await inboxToken(t.key, 'kim');
    const lee = await inboxToken(t.key, 'lee');

    const burst = await Promise.all(
      Array.from({ length: LIMIT * 3 }, (_, i) =>
        api('GET', i % 2 ? '/v1/inbox/counts' : '/v1/me/preferences', { headers: asSubscriber(kim) }),
      ),
    );
    const allowed = burst.filter((r) => r.status === 200);
    const refused = burst.filter((r) => r.status === 429);
    expect(allowed.length + refused.length).toBe(burst.length);
    expect(allowed.length).toBeGreaterThanOrEqual(LIMIT);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of allowed) {
      expect(r.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(Number(r.headers.get('ratelimit-remaining'))).toBeLessThan(LIMIT);
      expect(r.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
    }
    const error = expectEnvelope(refused[0]!, 429, 'rate_limited');
    expect(error.message).toContain(String(LIMIT));
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.headers.get('ratelimit-remaining')).toBe('0');

    // Kim's other token draws from the same (empty) bucket: a fresh one would say LIMIT - 1.
    const otherTab = await api('GET', '/v1/inbox/counts', { headers: asSubscriber(kimOtherTab) });
    expect(Number(otherTab.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(1);

    // Lee, same tenant, is untouched by Kim's burst, on the inbox and on POSTs alike.
    const leeRead = await api('GET', '/v1/inbox', { headers: asSubscriber(lee) });
    expect(leeRead.status).toBe(200);
    expect(Number(leeRead.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(LIMIT - 2);
    const leeMark = await api('POST', '/v1/inbox/mark', {
      headers: asSubscriber(lee),
      body: { all: true, state: 'read' },
    });
    expect(leeMark.status).toBe(200);
    expect(leeMark.headers.get('ratelimit-limit')).toBe(String(LIMIT));

    // Once the bucket refills, Kim is served again.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await api('GET', '/v1/inbox/counts', { headers: asSubscriber(kim) })).status).toBe(200);
  });

  it('the inbox socket draws on the same budget: a reconnect loop gets 429 before reaching the inbox object', async () => {
    const t = await createTenant('subscriber-limits-ws');
    const kim = await inboxToken(t.key, 'kim');
    // Without Upgrade the answer is 426 once the token and budget pass, so each attempt costs no socket.
    const burst = await Promise.all(
      Array.from({ length: LIMIT * 3 }, () => api('GET', `/v1/inbox/ws?token=${encodeURIComponent(kim)}`)),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 426).length).toBeGreaterThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 426 || s === 429)).toHaveLength(burst.length);
    expectEnvelope(burst.find((r) => r.status === 429)!, 429, 'rate_limited');
    // and it is Kim's one bucket: her next REST call finds it (nearly) empty, where a fresh one would say LIMIT - 1
    const next = await api('GET', '/v1/inbox/counts', { headers: asSubscriber(kim) });
    expect(Number(next.headers.get('ratelimit-remaining') ?? 0)).toBeLessThanOrEqual(2);
  });

  it('failed subscriber tokens are throttled per client IP like failed API keys', async () => {
    const ip = randomIp();
    const results = [];
    for (let i = 0; i < 35; i++) {
      results.push(
        (
          await api('GET', '/v1/inbox', {
            headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'cf-connecting-ip': ip },
          })
        ).status,
      );
    }
    expect(results.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(results.slice(30)).toContain(429);
  });
});
