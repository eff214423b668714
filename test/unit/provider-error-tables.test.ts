import { describe, expect, it } from 'vitest';
import { classify, classifyBy, type ErrorClass } from '../../src/channels/error-table';
import { BUILT_IN_PROVIDERS, CONFIGURABLE_PROVIDERS } from '../../src/channels/registry';
import type { Provider, ProviderError } from '../../src/channels/types';

/**
 * The rule, walked over every provider's table: only a row the provider documents as specific to the recipient
 * can mark an address for suppression; every other row, and every code no table knows, cannot.
 */

const ALL: Provider<unknown>[] = [
  ...Object.values(CONFIGURABLE_PROVIDERS as Record<string, Provider<unknown>>),
  ...BUILT_IN_PROVIDERS,
].filter((p, i, all) => all.indexOf(p) === i);

/** Built-in providers that call a URL the recipient gave: no codes documented, the HTTP status decides. */
const STATUS_ONLY = new Set(['webhook', 'teams']);
const RECIPIENT_CLASSES: ErrorClass[] = ['recipient', 'recipient_if_proven'];
const CLASSES: ErrorClass[] = ['recipient', 'recipient_if_proven', 'account', 'quota', 'message', 'transient'];

/** What the pipeline would do to the address, from the flags it reads. */
const marksRecipient = (e: ProviderError) => e.invalidRecipient === true || e.suppressIfProven === true;

describe('provider error tables', () => {
  it.each(ALL.map((p) => [p.id, p] as const))('%s: every row is documented and classified', (id, provider) => {
    if (!STATUS_ONLY.has(id)) expect(provider.errors.length, `${id} needs an error table`).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const row of provider.errors) {
      const label = `${id} ${row.code}`;
      expect(CLASSES, label).toContain(row.class);
      expect(row.meaning.trim().length, label).toBeGreaterThan(3);
      expect(row.source, label).toMatch(/^https:\/\/\S+$/);
      const key = `${row.code} ${row.message ?? ''}`;
      expect(seen.has(key), `${label} listed twice`).toBe(false);
      seen.add(key);
    }
  });

  it('no account, quota, message or transient row can mark a recipient; recipient rows always do', () => {
    const base: ProviderError = { code: 'x', message: 'x', retryable: false, invalidRecipient: true };
    let walked = 0;
    for (const provider of ALL) {
      for (const row of provider.errors) {
        const result = classify(base, row);
        expect(marksRecipient(result), `${provider.id} ${row.code} (${row.class})`).toBe(
          RECIPIENT_CLASSES.includes(row.class),
        );
        walked++;
      }
    }
    expect(walked).toBeGreaterThan(40);
  });

  it('a code no table knows never marks a recipient, whatever the error said before', () => {
    for (const provider of ALL) {
      const before: ProviderError = { code: 'x', message: 'mailbox', retryable: false, invalidRecipient: true };
      expect(marksRecipient(classifyBy(provider.errors, before, 'NotADocumentedCode-42'))).toBe(false);
    }
  });
});
