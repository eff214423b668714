import { describe, expect, it } from 'vitest';
import { takeToken } from '../../src/domain/rate-limit/token-bucket';

const policy = { capacity: 3, refillPerSecond: 1 };

describe('token bucket', () => {
  it('allows a burst up to capacity, then refuses with Retry-After', () => {
    let state: Parameters<typeof takeToken>[0];
    const results = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(state, policy, 1_000);
      state = r.state;
      results.push(r.result);
    }
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]).toMatchObject({ limit: 3, retryAfterSeconds: 1, resetSeconds: 3 });
  });

  it('refills continuously and never beyond capacity', () => {
    let { state } = takeToken(undefined, policy, 0);
    ({ state } = takeToken(state, policy, 0));
    ({ state } = takeToken(state, policy, 0));
    expect(takeToken(state, policy, 500).result.allowed).toBe(false);
    const later = takeToken(state, policy, 1_000);
    expect(later.result).toMatchObject({ allowed: true, remaining: 0 });
    const muchLater = takeToken(later.state, policy, 3_600_000);
    expect(muchLater.result.remaining).toBe(2);
  });

  it('supports slow hourly refills (signup limit)', () => {
    const hourly = { capacity: 2, refillPerSecond: 2 / 3600 };
    let { state } = takeToken(undefined, hourly, 0);
    ({ state } = takeToken(state, hourly, 0));
    const refused = takeToken(state, hourly, 1_000).result;
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(1700);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(1800);
  });
});
