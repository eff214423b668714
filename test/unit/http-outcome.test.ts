import { describe, expect, it } from 'vitest';
import { httpFailure, networkFailure, retryAfterSeconds } from '../../src/channels/http-outcome';

describe('HTTP provider outcomes', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('Retry-After in seconds or as an HTTP date; nonsense and the past are handled', () => {
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('1.2', now)).toBe(2);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 12:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds('-5', now) ?? 0).toBe(0); // never a negative delay
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('maps statuses: 429/5xx retryable with Retry-After, redirects and other 4xx permanent', () => {
    const h = (v?: string) => new Headers(v ? { 'retry-after': v } : {});
    expect(httpFailure(429, h('7'), 'slow down')).toEqual({
      code: 'http_429',
      message: 'HTTP 429: slow down',
      retryable: true,
      responseCode: 429,
      retryAfterSeconds: 7,
    });
    expect(httpFailure(503, h(), '')).toMatchObject({ code: 'http_503', message: 'HTTP 503', retryable: true });
    expect(httpFailure(301, h('7'), '')).toEqual({
      code: 'redirect_not_followed',
      message: 'HTTP 301',
      retryable: false,
      responseCode: 301,
    });
    expect(httpFailure(400, h(), 'x'.repeat(500)).message).toHaveLength('HTTP 400: '.length + 200);
  });

  it('timeouts and network errors are retryable', () => {
    expect(networkFailure(new DOMException('t', 'TimeoutError'))).toMatchObject({ code: 'timeout', retryable: true });
    expect(networkFailure(new TypeError('fetch failed'))).toEqual({
      code: 'network_error',
      message: 'fetch failed',
      retryable: true,
    });
    expect(networkFailure('boom')).toMatchObject({ code: 'network_error', message: 'boom' });
  });
});
