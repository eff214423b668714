import { expect } from 'vitest';
import { classify, type ErrorRow } from '../../src/channels/error-table';
import type { OutboundMessage, Provider, ProviderContext, ProviderError } from '../../src/channels/types';
import { TEST_PROVIDER_BASE_URLS } from '../test-db';
import { scriptProvider } from './providers';
import type { ScriptStep } from './stand-ins';

/** A provider called directly, as the pipeline calls it, against its stand-in over real HTTP. */
export const standInContext: ProviderContext = {
  baseUrl: (url, key) => (TEST_PROVIDER_BASE_URLS as Record<string, string>)[key ?? ''] ?? url,
  timeoutMs: 5000,
  urlPolicy: { requireHttps: false, allowPrivate: true },
  bindings: {},
};

/** The stand-in context for one provider: its calls without a `key` go to that provider's stand-in. */
export const standInContextFor = (providerId: string): ProviderContext => ({
  ...standInContext,
  baseUrl: (url, key) => (TEST_PROVIDER_BASE_URLS as Record<string, string>)[key ?? providerId] ?? url,
});

export const outbound = (channel: OutboundMessage['channel'], address: string): OutboundMessage => ({
  deliveryId: 'dlv_01hzzzzzzzzzzzzzzzzzzzzzzz',
  notificationId: 'ntf_01hzzzzzzzzzzzzzzzzzzzzzzz',
  tenantId: 'ten_01hzzzzzzzzzzzzzzzzzzzzzzz',
  channel,
  address,
  recipient: 'kim',
  content: { subject: 'Hello', html: '<p>Hi</p>', text: 'Hi', title: 'Hello', body: 'Hi' },
  data: null,
  metadata: null,
  category: null,
});

/** The flags that decide what happens to a delivery and its address. */
const decision = (e: ProviderError) => ({
  retryable: e.retryable,
  invalidRecipient: e.invalidRecipient === true,
  providerFault: e.providerFault === true,
  suppressIfProven: e.suppressIfProven === true,
});

/**
 * Walks a provider's error table through its real code: for each row the stand-in answers the error as the provider
 * documents it (`respond`), the provider sends, and its error must carry exactly the row's classification.
 * `account` is the stand-in account the credentials present (scripts are per account).
 */
export async function expectTableHonoured<C>(
  provider: Provider<C>,
  opts: {
    account: string;
    standIn?: string;
    credentials: C;
    message: OutboundMessage;
    respond: (row: ErrorRow) => ScriptStep;
  },
) {
  expect(provider.errors.length, `${provider.id} has an error table`).toBeGreaterThan(0);
  for (const row of provider.errors) {
    await scriptProvider(opts.standIn ?? provider.id, opts.account, [opts.respond(row)]);
    const result = await provider.send(opts.message, opts.credentials, standInContextFor(provider.id));
    const label = `${provider.id} ${row.code}${row.message ? ` ${row.message}` : ''}`;
    expect(result.ok, label).toBe(false);
    if (result.ok) continue;
    const expected = classify({ code: 'x', message: '', retryable: false }, row);
    expect(decision(result.error), label).toEqual(decision(expected));
  }
}
