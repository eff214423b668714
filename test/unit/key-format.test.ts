import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, keyDisplayParts, parseApiKey } from '../../src/domain/api-keys/key-format';

describe('API key format', () => {
  it('generates nk_<mode>_ keys of 32 random bytes in base62 plus a 6-char checksum', () => {
    const test = generateApiKey('test');
    const live = generateApiKey('live');
    expect(test).toMatch(/^nk_test_[0-9A-Za-z]{49}$/);
    expect(live).toMatch(/^nk_live_[0-9A-Za-z]{49}$/);
    expect(parseApiKey(test)).toEqual({ mode: 'test' });
    expect(parseApiKey(live)).toEqual({ mode: 'live' });
    expect(generateApiKey('test')).not.toBe(test);
  });

  it('rejects every single-character typo by checksum', () => {
    const key = generateApiKey('live');
    const randomPart = key.slice('nk_live_'.length);
    for (let i = 0; i < randomPart.length; i++) {
      const original = randomPart[i]!;
      const typo = original === 'a' ? 'b' : 'a';
      const mistyped = `nk_live_${randomPart.slice(0, i)}${typo}${randomPart.slice(i + 1)}`;
      expect(parseApiKey(mistyped), `position ${i}`).toBeNull();
    }
  });

  it('rejects truncated, padded, swapped-mode and foreign keys', () => {
    const key = generateApiKey('test');
    expect(parseApiKey(key.slice(0, -1))).toBeNull();
    expect(parseApiKey(`${key}x`)).toBeNull();
    expect(parseApiKey(key.replace('nk_test_', 'nk_live_'))).toBeNull();
    expect(parseApiKey('sk_test_51H8abc')).toBeNull();
    expect(parseApiKey('')).toBeNull();
  });

  it('stores a SHA-256 hex digest and shows only prefix + last 4', async () => {
    const key = generateApiKey('live');
    const hash = await hashApiKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashApiKey(key)).toBe(hash);
    expect(hash).not.toContain(key.slice(8, 20));
    expect(keyDisplayParts(key)).toEqual({ prefix: 'nk_live_', last4: key.slice(-4) });
  });
});
