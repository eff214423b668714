import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

import { eventBody } from '../../src/domain/webhooks/event-types';
import { nextRetryDelay } from '../../src/domain/webhooks/retry-schedule';
import {
  activeSecrets,
  newSigningSecret,
  ROTATION_OVERLAP_MS,
  rotated,
  signedHeaders,
} from '../../src/lib/standard-webhooks';

const SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

describe('retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h within ±10% jitter, then gives up', () => {
    for (let attempt = 1; attempt <= SCHEDULE.length; attempt++) {
      const base = SCHEDULE[attempt - 1]!;
      expect(nextRetryDelay(attempt, SCHEDULE, undefined, () => 0)).toBeCloseTo(base * 0.9);
      expect(nextRetryDelay(attempt, SCHEDULE, undefined, () => 1)).toBeCloseTo(base * 1.1);
    }
    expect(nextRetryDelay(SCHEDULE.length + 1, SCHEDULE)).toBeNull();
  });

  it('honours a longer Retry-After, never beyond the 12 h queue limit', () => {
    expect(nextRetryDelay(1, SCHEDULE, 120, () => 0.5)).toBe(120);
    expect(nextRetryDelay(2, SCHEDULE, 10, () => 0.5)).toBe(300);
    expect(nextRetryDelay(7, SCHEDULE, 100_000, () => 0.5)).toBe(43_200);
  });
});

describe('Standard Webhooks signing', () => {
  it('secrets are whsec_ + base64 of 32 random bytes, all different', () => {
    const secrets = new Set(Array.from({ length: 50 }, newSigningSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) {
      expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(atob(s.slice(6))).toHaveLength(32);
    }
  });

  it('signs exactly "{id}.{timestamp}.{body}" with HMAC-SHA256 (checked independently with WebCrypto)', async () => {
    const secret = newSigningSecret();
    const at = new Date('2026-11-21T10:00:00.500Z');
    const body = eventBody({ id: 'evt_1', type: 'delivery.sent', createdAt: at.toISOString(), data: { a: 1 } });
    const headers = signedHeaders([secret], 'evt_1', at, body);
    expect(headers['webhook-timestamp']).toBe('1795255200');
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`evt_1.1795255200.${body}`));
    expect(headers['webhook-signature']).toBe(`v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`);
  });

  it('during a rotation both secrets sign; the old one stops after 24 h', () => {
    const now = new Date();
    const first = { current: newSigningSecret() };
    const next = rotated(first, newSigningSecret(), now);
    expect(activeSecrets(next, now)).toEqual([next.current, first.current]);
    expect(activeSecrets(next, new Date(now.getTime() + ROTATION_OVERLAP_MS + 1))).toEqual([next.current]);
    const body = '{"x":1}';
    const headers = signedHeaders(activeSecrets(next, now), 'evt_2', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const s of [first.current, next.current])
      expect(() => new Webhook(s).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, { ...headers })).toThrow();
  });
});
