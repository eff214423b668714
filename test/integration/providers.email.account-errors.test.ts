import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { addProvider, awsKeyId, jsonStep, providerRequests, scriptProvider, uniqueAccount } from '../helpers/providers';
import type { ScriptStep } from '../helpers/stand-ins';
import { allDeliveries, uniqueName, waitForNotification } from '../helpers/stand-ins';

/**
 * Answers that name an address but are about our account (an unverified sender or sandbox, a test-only key, a
 * request Postmark refused): the delivery fails with the provider's code and the address stays deliverable.
 */
interface Case {
  name: string;
  provider: string;
  setup: () => { credentials: Record<string, unknown>; account: string };
  answer: ScriptStep;
  code: string;
}

const from = 'Acme <hello@acme.test>';
const CASES: Case[] = [
  {
    name: 'SES MessageRejected "Email address is not verified" (sandbox / unverified identity)',
    provider: 'ses',
    setup: () => {
      const accessKeyId = awsKeyId();
      return {
        credentials: { accessKeyId, secretAccessKey: 'x'.repeat(40), region: 'eu-west-1', from },
        account: accessKeyId,
      };
    },
    answer: jsonStep(
      400,
      {
        message:
          'Email address is not verified. The following identities failed the check in region EU-WEST-1: buyer@example.test',
      },
      { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/' },
    ),
    code: 'ses_MessageRejected',
  },
  {
    name: 'Resend 403 validation_error "You can only send testing emails to your own email address"',
    provider: 'resend',
    setup: () => {
      const apiKey = uniqueAccount('re_');
      return { credentials: { apiKey, from }, account: apiKey };
    },
    answer: jsonStep(403, {
      statusCode: 403,
      name: 'validation_error',
      message:
        'You can only send testing emails to your own email address (owner@acme.test). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.',
    }),
    code: 'resend_validation_error',
  },
  {
    name: 'Postmark 300 "Invalid email request"',
    provider: 'postmark',
    setup: () => {
      const serverToken = uniqueAccount('pm-');
      return { credentials: { serverToken, from }, account: serverToken };
    },
    answer: jsonStep(422, { ErrorCode: 300, Message: 'Invalid email request' }),
    code: 'postmark_300',
  },
];

const email = (to: string) => ({ to: { email: to }, content: { subject: 'Receipt', text: 'Paid.' } });

describe.each(CASES)('$name', (c) => {
  it('fails the delivery with the provider code and does not suppress the address', async () => {
    const t = await createLiveTenant('Email account errors', { smtp: false });
    const { credentials, account } = c.setup();
    await addProvider(t.key, { channel: 'email', provider: c.provider, name: c.provider, credentials });
    await scriptProvider(c.provider, account, [c.answer]);
    const to = `${uniqueName('buyer')}@example.test`;

    const first = await api('POST', '/v1/notifications', { key: t.key, body: email(to) });
    const failed = await waitForNotification(t.key, first.body.id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe(c.code);
    expect(failed.deliveries[0].attempts.map((a: any) => a.outcome)).toEqual(['permanent_error']);
    expect((await api('GET', '/v1/suppressions?channel=email', { key: t.key })).body.data).toEqual([]);

    // Once the account is fixed, the same address is sent to (not skipped as suppressed).
    const second = await api('POST', '/v1/notifications', { key: t.key, body: email(to) });
    await waitForNotification(t.key, second.body.id, allDeliveries('sent'));
    expect(await providerRequests(c.provider, account)).toHaveLength(2);
  });
});
