import { describe, expect, it } from 'vitest';
import { cloudflareEmailProvider } from '../../src/channels/email/cloudflare-email';
import { cloudflareEmailErrors } from '../../src/channels/email/cloudflare-email-errors';
import { classify } from '../../src/channels/error-table';
import type { ProviderError } from '../../src/channels/types';
import { outbound, standInContext } from '../helpers/error-tables';

/**
 * The send_email binding cannot run against a stand-in (it is a Workers binding, not HTTP), so each row is walked
 * with a binding that throws what Cloudflare's documentation describes for it.
 */
const THROWN: Record<string, string> = {
  'destination|recipient|not verified|not allowed': 'destination address not verified',
  'sender|from address|domain': 'from address is not on a domain with Email Routing enabled',
  'limit|rate|quota': 'daily sending limit reached',
  'invalid|malformed|too large|size': 'message too large',
};

const flags = (e: ProviderError) => ({
  retryable: e.retryable,
  invalidRecipient: e.invalidRecipient === true,
  providerFault: e.providerFault === true,
});

describe('cloudflare_email error table', () => {
  it.each(cloudflareEmailErrors.map((row) => [row.message?.source ?? '(any other)', row] as const))(
    '%s',
    async (_label, row) => {
      const thrown = row.message ? THROWN[row.message.source]! : 'connection reset';
      const EMAIL = {
        send: async () => {
          throw new Error(thrown);
        },
      } as unknown as SendEmail;
      const result = await cloudflareEmailProvider.send(
        outbound('email', 'kim@example.test'),
        { from: 'Acme <hello@acme.test>' },
        { ...standInContext, bindings: { EMAIL } },
      );
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: 'cloudflare_email_error', message: thrown });
      expect(flags(result.error)).toEqual(flags(classify({ code: 'x', message: '', retryable: false }, row)));
    },
  );

  it('an unverified destination is our setup: the address is not suppressed', async () => {
    const EMAIL = {
      send: async () => {
        throw new Error('destination address not verified');
      },
    } as unknown as SendEmail;
    const result = await cloudflareEmailProvider.send(
      outbound('email', 'kim@example.test'),
      { from: 'hello@acme.test' },
      { ...standInContext, bindings: { EMAIL } },
    );
    expect(result).toMatchObject({ ok: false, error: { retryable: false, providerFault: true } });
    expect(!result.ok && result.error.invalidRecipient).toBeUndefined();
  });
});
