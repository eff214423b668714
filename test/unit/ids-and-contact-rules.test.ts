import { describe, expect, it } from 'vitest';
import { canonicalLocale, E164, isIanaTimeZone } from '../../src/domain/subscribers/contact-rules';
import { isId, newId } from '../../src/lib/ids';

describe('ids', () => {
  it('are prefixed and sort by creation time', () => {
    const ids = [newId('sub', 1_000), newId('sub', 2_000), newId('sub', 1_700_000_000_000)];
    for (const id of ids) expect(isId('sub', id)).toBe(true);
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(isId('ten', ids[0]!)).toBe(false);
  });

  it('are monotonic within the same millisecond', () => {
    const sameMs = Array.from({ length: 50 }, () => newId('dlv', 5_000));
    expect([...sameMs].sort()).toEqual(sameMs);
    expect(new Set(sameMs).size).toBe(50);
  });
});

describe('contact rules', () => {
  it('accepts IANA zones and refuses abbreviations and junk', () => {
    expect(isIanaTimeZone('Europe/Paris')).toBe(true);
    expect(isIanaTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    expect(isIanaTimeZone('EST')).toBe(false);
    expect(isIanaTimeZone('Mars/Olympus')).toBe(false);
  });

  it('canonicalises BCP-47 tags', () => {
    expect(canonicalLocale('en-us')).toBe('en-US');
    expect(canonicalLocale('es-419')).toBe('es-419');
    expect(canonicalLocale('not a locale')).toBeNull();
  });

  it('E.164 phone numbers', () => {
    expect(E164.test('+14155550123')).toBe(true);
    expect(E164.test('4155550123')).toBe(false);
    expect(E164.test('+0123')).toBe(false);
    expect(E164.test('+1234567890123456')).toBe(false);
  });
});
