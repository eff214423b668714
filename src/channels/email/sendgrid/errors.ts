import type { ErrorTable } from '../../error-table';

const RESPONSES = 'https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/responses';
const MAIL_SEND_ERRORS = 'https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors';
const MAIL_SEND = 'https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send';
const FOUR_XX =
  'https://support.sendgrid.com/hc/en-us/articles/18322114821403-4XX-API-Errors-and-Troubleshooting-Suggestions';

/**
 * SendGrid v3 Mail Send errors. SendGrid has no error codes of its own: the HTTP status is the code and each
 * entry of `errors[]` names the `field` it is about, so the text looked up is `"<field>: <message>"`. Only a
 * malformed `to` address is the recipient's; a bad `from` is our configuration.
 */
export const sendgridErrors: ErrorTable = [
  {
    code: '400',
    message: /^personalizations\.\d+\.to\b[^:]*:.*(valid|email address)/i,
    class: 'recipient',
    meaning: 'the to address is not a valid email address',
    source: MAIL_SEND_ERRORS,
  },
  {
    code: '400',
    message: /^(from|reply_to)\b/i,
    class: 'account',
    meaning: 'the configured from (or reply-to) address is invalid',
    source: MAIL_SEND_ERRORS,
  },
  { code: '400', class: 'message', meaning: 'the request body failed validation', source: MAIL_SEND_ERRORS },
  {
    code: '401',
    message: /maximum credits exceeded/i,
    class: 'quota',
    meaning: "the plan's credit limit is reached until the next reset",
    source: FOUR_XX,
  },
  { code: '401', class: 'account', meaning: 'API key missing, invalid, expired or revoked', source: RESPONSES },
  {
    code: '403',
    message: /temporarily blocked|too many bad requests/i,
    class: 'quota',
    meaning: 'temporarily blocked from sending after repeated bad requests',
    source: RESPONSES,
  },
  {
    code: '403',
    class: 'account',
    meaning: 'from address does not match a verified Sender Identity, or the key lacks the mail.send scope',
    source: RESPONSES,
  },
  { code: '413', class: 'message', meaning: 'the JSON payload is too large', source: MAIL_SEND },
  { code: '429', class: 'quota', meaning: 'too many requests or rate limit exceeded', source: RESPONSES },
  { code: '500', class: 'transient', meaning: 'internal server error', source: RESPONSES },
  { code: '503', class: 'transient', meaning: 'the v3 Web API is not available', source: MAIL_SEND },
];
