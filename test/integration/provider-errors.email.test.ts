import { describe, expect, it } from 'vitest';
import { postmarkProvider } from '../../src/channels/email/postmark/send';
import { resendProvider } from '../../src/channels/email/resend/send';
import { sendgridProvider } from '../../src/channels/email/sendgrid/send';
import { sesProvider } from '../../src/channels/email/ses/send';
import type { ErrorRow } from '../../src/channels/error-table';
import { expectTableHonoured, outbound } from '../helpers/error-tables';
import { awsKeyId, jsonStep, uniqueAccount } from '../helpers/providers';

/**
 * Every row of each HTTP email provider's table, answered by its stand-in the way the provider documents the
 * error (status, headers, body shape), through the provider's real send: the resulting flags are the row's class.
 */

const message = outbound('email', 'kim@example.test');
const from = 'Acme <hello@acme.test>';

/** A message the provider documents for a row narrowed by `message`; checked to match the row it stands for. */
function example(row: ErrorRow, examples: Record<string, string>, fallback: string): string {
  if (!row.message) return fallback;
  const text = examples[row.message.source];
  if (text === undefined) throw new Error(`no example message for ${row.code} ${row.message}`);
  expect(text, `${row.code} example`).toMatch(row.message);
  return text;
}

const SES_STATUS: Record<string, number> = {
  NotFoundException: 404,
  TooManyRequestsException: 429,
  InvalidClientTokenId: 403,
  OptInRequired: 403,
  SignatureDoesNotMatch: 403,
  InternalFailure: 500,
  ServiceUnavailable: 503,
};
const SES_MESSAGES: Record<string, string> = {
  'not verified':
    'Email address is not verified. The following identities failed the check in region EU-WEST-1: kim@example.test',
  'paused|suspended': 'Sending paused for this account.',
  'quota exceeded|sending rate exceeded': 'Daily message quota exceeded.',
  'illegal address|missing final|local address|domain (contains|ends|starts)': 'Illegal address',
};

const SENDGRID_ERRORS: Record<string, { field: string | null; message: string }> = {
  '^personalizations\\.\\d+\\.to\\b[^:]*:.*(valid|email address)': {
    field: 'personalizations.0.to.0.email',
    message: 'Does not contain a valid address.',
  },
  '^(from|reply_to)\\b': { field: 'from.email', message: 'The from email does not contain a valid address.' },
  'maximum credits exceeded': { field: null, message: 'Maximum credits exceeded' },
  'temporarily blocked|too many bad requests': {
    field: null,
    message: 'You are temporarily blocked from sending emails due to repeated bad requests.',
  },
};
const sendgridError = (row: ErrorRow) =>
  row.message
    ? SENDGRID_ERRORS[row.message.source]!
    : { field: row.code === '400' ? 'subject' : null, message: `${row.meaning}.` };

const RESEND_STATUS: Record<string, number> = {
  invalid_idempotency_key: 400,
  missing_api_key: 401,
  restricted_api_key: 401,
  invalid_api_key: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_idempotent_request: 409,
  concurrent_idempotent_requests: 409,
  monthly_quota_exceeded: 429,
  daily_quota_exceeded: 429,
  rate_limit_exceeded: 429,
  security_error: 451,
  application_error: 500,
  internal_server_error: 500,
};
const RESEND_VALIDATION: Record<string, { status: number; message: string }> = {
  'only send testing emails': {
    status: 403,
    message:
      'You can only send testing emails to your own email address (owner@acme.test). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.',
  },
  'domain (is )?not verified|verify (a|your) domain': {
    status: 403,
    message: 'The acme.test domain is not verified. Please, add and verify your domain on https://resend.com/domains',
  },
  'api key': { status: 401, message: 'API key is invalid' },
  '`from`|\\bfrom\\b field': {
    status: 422,
    message: 'Invalid `from` field. The email address needs to follow the `email@example.com` format.',
  },
  '^invalid `to` field': {
    status: 422,
    message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.',
  },
};
const resendAnswer = (row: ErrorRow) => {
  if (row.message) return RESEND_VALIDATION[row.message.source]!;
  if (row.code === 'validation_error') return { status: 400, message: 'The `subject` field must be a `string`.' };
  return { status: RESEND_STATUS[row.code] ?? 422, message: `${row.meaning}.` };
};

const POSTMARK_STATUS: Record<string, number> = { '10': 401, '100': 503, '429': 429 };
const POSTMARK_MESSAGES: Record<string, string> = {
  '\\bfrom\\b|sender signature': "Invalid 'From' address: 'hello@acme.test' is not a verified sender signature.",
};

describe('email provider error tables, answered by the stand-ins as each provider documents them', () => {
  it('ses: x-amzn-ErrorType + {message}', async () => {
    const accessKeyId = awsKeyId();
    await expectTableHonoured(sesProvider, {
      account: accessKeyId,
      credentials: { accessKeyId, secretAccessKey: 'x'.repeat(40), region: 'eu-west-1', from },
      message,
      respond: (row) =>
        jsonStep(
          SES_STATUS[row.code] ?? 400,
          { message: example(row, SES_MESSAGES, 'Message contains a virus.') },
          { 'x-amzn-errortype': `${row.code}:http://internal.amazon.com/coral/com.amazonaws.sesv2/` },
        ),
    });
  });

  it('sendgrid: HTTP status + {errors: [{field, message}]}', async () => {
    const apiKey = uniqueAccount('SG.');
    await expectTableHonoured(sendgridProvider, {
      account: apiKey,
      credentials: { apiKey, from },
      message,
      respond: (row) => jsonStep(Number(row.code), { errors: [{ ...sendgridError(row), help: null }] }),
    });
  });

  it('resend: HTTP status + {statusCode, name, message}', async () => {
    const apiKey = uniqueAccount('re_');
    await expectTableHonoured(resendProvider, {
      account: apiKey,
      credentials: { apiKey, from },
      message,
      respond: (row) => {
        const { status, message: text } = resendAnswer(row);
        return jsonStep(status, { statusCode: status, name: row.code, message: text });
      },
    });
  });

  it('postmark: HTTP 422 (401, 429) + {ErrorCode, Message}', async () => {
    const serverToken = uniqueAccount('pm-');
    await expectTableHonoured(postmarkProvider, {
      account: serverToken,
      credentials: { serverToken, from, messageStream: 'outbound' },
      message,
      respond: (row) =>
        jsonStep(POSTMARK_STATUS[row.code] ?? 422, {
          ErrorCode: Number(row.code),
          Message: example(row, POSTMARK_MESSAGES, 'Provide either email TextBody or HtmlBody or both.'),
        }),
    });
  });
});
