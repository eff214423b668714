import type { ErrorTable } from '../../error-table';

const CODES = 'https://postmarkapp.com/developer/api/overview#error-codes';
const HTTP_422 = 'https://postmarkapp.com/support/article/troubleshooting-422-unprocessable-entity-errors';

/**
 * Postmark API error codes (`ErrorCode` in the body). Only 406, a recipient Postmark has marked inactive (hard
 * bounce, spam complaint, manual suppression), is the recipient's. 300 "Invalid email request" is any validation
 * failure of the request (a bad or unverified From, an empty body, a malformed header), never proof about the
 * address.
 */
export const postmarkErrors: ErrorTable = [
  { code: '10', class: 'account', meaning: 'bad or missing server API token', source: CODES },
  { code: '100', class: 'transient', meaning: 'Postmark is in maintenance', source: CODES },
  {
    code: '300',
    message: /\bfrom\b|sender signature/i,
    class: 'account',
    meaning: 'invalid email request: the From address is invalid or not a confirmed sender signature',
    source: HTTP_422,
  },
  { code: '300', class: 'message', meaning: 'invalid email request: the request failed validation', source: CODES },
  { code: '400', class: 'account', meaning: 'sender signature not found', source: CODES },
  { code: '401', class: 'account', meaning: 'sender signature not confirmed', source: CODES },
  { code: '402', class: 'message', meaning: 'invalid JSON', source: CODES },
  { code: '403', class: 'message', meaning: 'incompatible JSON', source: CODES },
  { code: '405', class: 'account', meaning: 'not allowed to send (account out of credits)', source: CODES },
  {
    code: '406',
    class: 'recipient',
    meaning: 'inactive recipient: it hard bounced, complained or was suppressed',
    source: CODES,
  },
  { code: '409', class: 'message', meaning: 'JSON required', source: CODES },
  { code: '411', class: 'message', meaning: 'forbidden attachment type', source: CODES },
  {
    code: '412',
    class: 'account',
    meaning: 'account pending approval: may only send to its own domain',
    source: CODES,
  },
  { code: '413', class: 'account', meaning: 'account may not send', source: CODES },
  { code: '429', class: 'quota', meaning: 'rate limit exceeded', source: CODES },
];
