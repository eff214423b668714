import { describe, expect, it } from 'vitest';
import { smtpErrors } from '../../src/channels/email/smtp/errors';
import { enhancedCode, smtpFailure } from '../../src/channels/email/smtp/smtp-failure';
import { classify, type ErrorRow } from '../../src/channels/error-table';
import type { ProviderError } from '../../src/channels/types';

/**
 * The SMTP stand-in (smtp-server) answers only a few fixed replies (reject-… → 550 5.1.1, busy-… → 451, a bad
 * password → 535 5.7.8; providers.email-transports/smtp tests send through it), so every row of the SMTP table is
 * walked here through the same classification the provider applies to a failed transaction.
 */

const flags = (e: ProviderError) => ({
  retryable: e.retryable,
  invalidRecipient: e.invalidRecipient === true,
  providerFault: e.providerFault === true,
  suppressIfProven: e.suppressIfProven === true,
});

/** Phase and text that make a reply land on `row`, as our SMTP client words a refused command. */
const PHASE_OF: Record<string, string> = { '^MAIL FROM:': 'MAIL FROM', '^AUTH:': 'AUTH', '^greeting:': 'greeting' };
function replyFor(row: ErrorRow) {
  const enhanced = /^(\d)\.(\d+)\.(\d+|\*)$/.exec(row.code);
  if (enhanced) {
    const code = enhanced[3] === '*' ? `${enhanced[1]}.${enhanced[2]}.99` : row.code;
    const replyCode = enhanced[1] === '5' ? 550 : 450;
    return { replyCode, phase: 'RCPT TO', message: `RCPT TO: ${replyCode} ${code} ${row.meaning}` };
  }
  const replyCode = Number(row.code);
  const phase = (row.message && PHASE_OF[row.message.source]) || 'RCPT TO';
  const text = row.message?.test('not verified') ? 'Message rejected: Email address is not verified.' : 'refused';
  return { replyCode, phase, message: `${phase}: ${replyCode} ${text}` };
}

describe('SMTP replies', () => {
  it.each(smtpErrors.map((row) => [`${row.code}${row.message ? ` ${row.message}` : ''}`, row] as const))(
    '%s is classified as its row says',
    (_label, row) => {
      const reply = replyFor(row);
      const base = { code: `smtp_${reply.replyCode}`, message: reply.message, retryable: reply.replyCode < 500 };
      expect(flags(smtpFailure(reply))).toEqual(flags(classify(base, row)));
    },
  );

  it('only an enhanced code naming the destination suppresses; the same basic code for a policy refusal does not', () => {
    const rcpt = (message: string) => smtpFailure({ replyCode: 550, phase: 'RCPT TO', message: `RCPT TO: ${message}` });
    expect(rcpt('550 5.1.1 No such user')).toMatchObject({ code: 'smtp_550', invalidRecipient: true });
    expect(rcpt('550 5.7.1 Relaying denied')).toMatchObject({ providerFault: true, retryable: false });
    expect(rcpt('550 5.7.1 Relaying denied').invalidRecipient).toBeUndefined();
    expect(rcpt('550 Requested action not taken: mailbox unavailable').invalidRecipient).toBeUndefined();
    const qmail = smtpFailure({
      replyCode: 553,
      phase: 'RCPT TO',
      message: "RCPT TO: 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
    });
    expect(flags(qmail)).toEqual({
      retryable: false,
      invalidRecipient: false,
      providerFault: true,
      suppressIfProven: false,
    });
  });

  it('an enhanced code whose class disagrees with the reply is ignored; no reply and unknown codes never suppress', () => {
    expect(enhancedCode('RCPT TO: 550 4.1.1 odd', 550)).toBeUndefined();
    expect(enhancedCode('RCPT TO: 550 5.1.10 null MX', 550)).toBe('5.1.10');
    expect(smtpFailure({ replyCode: undefined, phase: 'timeout', message: 'timed out' })).toEqual({
      code: 'smtp_timeout',
      message: 'timed out',
      retryable: true,
    });
    const unknown = smtpFailure({ replyCode: 599, phase: 'RCPT TO', message: 'RCPT TO: 599 5.9.9 mailbox gone' });
    expect(flags(unknown)).toEqual({
      retryable: false,
      invalidRecipient: false,
      providerFault: false,
      suppressIfProven: false,
    });
  });
});
