import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../src/channels/sms/segments';
import { CLOSED, isAllowed, recordResults } from '../../src/domain/circuit-breaker';
import { credentialsFingerprint, decryptCredentials, encryptCredentials } from '../../src/lib/credentials-cipher';
import { TEST_CREDENTIALS_KEYS } from '../test-db';

describe('SMS segments', () => {
  it('GSM-7: 160 in one segment, 153 per part beyond; extended characters count twice', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161)).segments).toBe(2);
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
  });

  it('UCS-2 as soon as one character is outside GSM-7: 70, then 67 per part', () => {
    expect(smsSegments('ç'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(70)}ł`).segments).toBe(2);
    expect(smsSegments('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
  });
});

describe('circuit breaker', () => {
  const policy = { failureThreshold: 3, coolDownMs: 1000 };
  it('opens after consecutive failures, half-opens after the cool-down, closes on success', () => {
    let s = recordResults(CLOSED, policy, 0, 2, 0);
    expect(isAllowed(s, policy, 0).allowed).toBe(true);
    s = recordResults(s, policy, 0, 1, 10);
    expect(isAllowed(s, policy, 500)).toEqual({ allowed: false, retryInMs: 510 });
    expect(isAllowed(s, policy, 1010).allowed).toBe(true); // half-open probe
    const failedProbe = recordResults(s, policy, 0, 1, 1020);
    expect(isAllowed(failedProbe, policy, 1500).allowed).toBe(false);
    expect(recordResults(s, policy, 1, 0, 1020)).toEqual(CLOSED);
  });

  it('a batch that mostly succeeded closes it; one where failures outnumber successes counts them', () => {
    // A flaky provider (30% errors) delivered most of the batch: pausing it would stop a single-provider channel.
    expect(recordResults(CLOSED, policy, 70, 30, 0)).toEqual(CLOSED);
    expect(recordResults({ consecutiveFailures: 0, openedAt: 10 }, policy, 50, 50, 1020)).toEqual(CLOSED);
    // Down mid-batch: the failures outnumber the successes and reach the threshold.
    const opened = recordResults(CLOSED, policy, 2, 40, 100);
    expect(opened).toEqual({ consecutiveFailures: 40, openedAt: 100 });
    expect(isAllowed(opened, policy, 500).allowed).toBe(false);
    expect(recordResults(CLOSED, policy, 1, 2, 100)).toEqual({ consecutiveFailures: 2, openedAt: null });
  });
});

describe('credentials cipher', () => {
  const keys = { current: 'k1', keys: TEST_CREDENTIALS_KEYS };
  it('round-trips, uses a fresh IV, and binds the tenant', async () => {
    const secret = { apiKey: 'SG.super-secret-value' };
    const a = await encryptCredentials(keys, 'ten_a', secret);
    const b = await encryptCredentials(keys, 'ten_a', secret);
    expect(a.keyId).toBe('k1');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain('super-secret');
    expect(await decryptCredentials(keys, 'ten_a', a.keyId, a.ciphertext)).toEqual(secret);
    await expect(decryptCredentials(keys, 'ten_b', a.keyId, a.ciphertext)).rejects.toThrow();
  });

  it('decrypts values sealed with an older key after rotation', async () => {
    const old = await encryptCredentials({ current: 'k0', keys: TEST_CREDENTIALS_KEYS }, 'ten_a', { x: 1 });
    expect(await decryptCredentials(keys, 'ten_a', old.keyId, old.ciphertext)).toEqual({ x: 1 });
  });

  it('fingerprints are stable and reveal nothing', async () => {
    const f = await credentialsFingerprint({ b: 2, a: 1 });
    expect(f).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(await credentialsFingerprint({ a: 1, b: 2 })).toBe(f);
  });
});
