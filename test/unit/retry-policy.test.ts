import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from '../../src/pipeline/retry-policy';

const err = { code: 'http_500', message: 'x', retryable: true };

describe('retry policy', () => {
  it('grows by 3x per attempt with jitter between 50% and 100%', () => {
    expect(retryDelaySeconds(err, 1, 5, () => 1)).toBe(5);
    expect(retryDelaySeconds(err, 2, 5, () => 1)).toBe(15);
    expect(retryDelaySeconds(err, 3, 5, () => 0)).toBe(23);
    expect(retryDelaySeconds(err, 20, 5, () => 1)).toBe(MAX_RETRY_DELAY_SECONDS);
  });

  it("honours the provider's Retry-After, within bounds", () => {
    expect(retryDelaySeconds({ ...err, retryAfterSeconds: 30 }, 1, 5)).toBe(30);
    expect(retryDelaySeconds({ ...err, retryAfterSeconds: 0 }, 1, 5)).toBe(1);
    expect(retryDelaySeconds({ ...err, retryAfterSeconds: 10 ** 9 }, 1, 5)).toBe(MAX_RETRY_DELAY_SECONDS);
  });
});
