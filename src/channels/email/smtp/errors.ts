import type { ErrorTable } from '../../error-table';

const RFC5321 = 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2.3';
const RFC3463 = 'https://www.rfc-editor.org/rfc/rfc3463#section-3';
const RFC4954 = 'https://www.rfc-editor.org/rfc/rfc4954#section-6';
const RFC3207 = 'https://www.rfc-editor.org/rfc/rfc3207#section-4';
const RFC7504 = 'https://www.rfc-editor.org/rfc/rfc7504#section-3';
const RFC7505 = 'https://www.rfc-editor.org/rfc/rfc7505#section-4.2';
const SES_SMTP = 'https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-smtp.html';

/**
 * SMTP replies. An RFC 3463 enhanced status code (`5.1.1`), when the server sends one, is looked up first, then its
 * class and subject (`5.7.*`), then the basic reply code (`550`), whose rows may narrow by the command it answered
 * (the error message starts with it: `RCPT TO: 550 …`). A basic code alone never suppresses: RFC 5321 gives 550,
 * 551 and 553 to an unknown mailbox and to a policy refusal alike (relaying denied), so only the enhanced
 * codes that name the destination mailbox or system prove the address bad.
 */
export const smtpErrors: ErrorTable = [
  { code: '5.1.1', class: 'recipient', meaning: 'bad destination mailbox address', source: RFC3463 },
  { code: '5.1.2', class: 'recipient', meaning: 'bad destination system address', source: RFC3463 },
  { code: '5.1.3', class: 'recipient', meaning: 'bad destination mailbox address syntax', source: RFC3463 },
  {
    code: '5.1.6',
    class: 'recipient',
    meaning: 'destination mailbox has moved, no forwarding address',
    source: RFC3463,
  },
  { code: '5.1.10', class: 'recipient', meaning: 'recipient domain has a null MX (accepts no mail)', source: RFC7505 },
  { code: '5.2.1', class: 'recipient', meaning: 'mailbox disabled, not accepting messages', source: RFC3463 },
  { code: '5.1.7', class: 'account', meaning: "bad sender's mailbox address syntax", source: RFC3463 },
  { code: '5.1.8', class: 'account', meaning: "bad sender's system address", source: RFC3463 },
  { code: '4.2.2', class: 'transient', meaning: 'mailbox full', source: RFC3463 },
  { code: '5.2.2', class: 'transient', meaning: 'mailbox full: a persistent transient failure', source: RFC3463 },
  { code: '5.2.3', class: 'message', meaning: 'message length exceeds administrative limit', source: RFC3463 },
  { code: '5.3.4', class: 'message', meaning: 'message too big for system', source: RFC3463 },
  { code: '5.7.8', class: 'account', meaning: 'authentication credentials invalid', source: RFC4954 },
  { code: '4.7.0', class: 'transient', meaning: 'temporary authentication failure', source: RFC4954 },
  {
    code: '5.5.*',
    class: 'message',
    meaning: 'network protocol status: a command the server refused',
    source: RFC3463,
  },
  { code: '5.6.*', class: 'message', meaning: 'message content or media status', source: RFC3463 },
  {
    code: '5.7.*',
    class: 'account',
    meaning: 'security or policy status: relaying denied, authentication required, sender authentication failed',
    source: RFC3463,
  },
  { code: '421', class: 'transient', meaning: 'service not available, closing transmission channel', source: RFC5321 },
  { code: '450', class: 'transient', meaning: 'mailbox unavailable (busy or temporarily blocked)', source: RFC5321 },
  { code: '451', class: 'transient', meaning: 'local error in processing', source: RFC5321 },
  { code: '452', class: 'transient', meaning: 'insufficient system storage', source: RFC5321 },
  {
    code: '454',
    class: 'transient',
    meaning: 'TLS not available or temporary authentication failure',
    source: RFC3207,
  },
  {
    code: '501',
    message: /^AUTH:/,
    class: 'account',
    meaning: 'the AUTH exchange could not be decoded',
    source: RFC4954,
  },
  {
    code: '504',
    message: /^AUTH:/,
    class: 'account',
    meaning: 'the authentication mechanism is not supported',
    source: RFC4954,
  },
  {
    code: '554',
    message: /^greeting:/,
    class: 'account',
    meaning: 'the server refuses our connection (no SMTP service here)',
    source: RFC5321,
  },
  { code: '500', class: 'message', meaning: 'syntax error, command unrecognized', source: RFC5321 },
  { code: '501', class: 'message', meaning: 'syntax error in parameters or arguments', source: RFC5321 },
  { code: '502', class: 'message', meaning: 'command not implemented', source: RFC5321 },
  { code: '503', class: 'message', meaning: 'bad sequence of commands', source: RFC5321 },
  { code: '504', class: 'message', meaning: 'command parameter not implemented', source: RFC5321 },
  { code: '530', class: 'account', meaning: 'authentication required, or STARTTLS must come first', source: RFC3207 },
  { code: '534', class: 'account', meaning: 'authentication mechanism is too weak', source: RFC4954 },
  { code: '535', class: 'account', meaning: 'authentication credentials invalid', source: RFC4954 },
  { code: '538', class: 'account', meaning: 'encryption required for the authentication mechanism', source: RFC4954 },
  { code: '550', message: /^MAIL FROM:/, class: 'account', meaning: 'the sender was refused', source: RFC5321 },
  {
    code: '550',
    class: 'message',
    meaning: 'mailbox unavailable: not found, no access, or refused for policy reasons',
    source: RFC5321,
  },
  { code: '551', class: 'message', meaning: 'user not local (also used to refuse relaying)', source: RFC5321 },
  { code: '552', class: 'message', meaning: 'exceeded storage allocation', source: RFC5321 },
  {
    code: '553',
    message: /^MAIL FROM:/,
    class: 'account',
    meaning: 'sender mailbox name not allowed',
    source: RFC5321,
  },
  {
    code: '553',
    class: 'message',
    meaning: 'mailbox name not allowed (also used to refuse relaying)',
    source: RFC5321,
  },
  {
    code: '554',
    message: /not verified/i,
    class: 'account',
    meaning: 'Amazon SES SMTP: sender (or sandbox recipient) identity not verified',
    source: SES_SMTP,
  },
  { code: '554', class: 'message', meaning: 'transaction failed', source: RFC5321 },
  { code: '556', class: 'recipient', meaning: 'the recipient domain does not accept mail', source: RFC7504 },
];
