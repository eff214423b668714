import type { ErrorTable } from '../error-table';

const SEND_FROM_WORKERS = 'https://developers.cloudflare.com/email-routing/email-workers/send-email-workers/';
const SEND_BINDINGS = 'https://developers.cloudflare.com/email-service/configuration/send-bindings/';
const LIMITS = 'https://developers.cloudflare.com/email-service/platform/limits/';

/**
 * The send_email binding throws; it has no codes, so every row is keyed `send_email` and told apart by the
 * thrown message. The binding sends only to destination addresses verified in the account (or those its
 * configuration allows): a refused destination is our setup, never proof that the address cannot receive.
 */
export const cloudflareEmailErrors: ErrorTable = [
  {
    code: 'send_email',
    message: /destination|recipient|not verified|not allowed/i,
    class: 'account',
    meaning: 'the destination is not a verified address of the account, or the binding does not allow it',
    source: SEND_FROM_WORKERS,
  },
  {
    code: 'send_email',
    message: /sender|from address|domain/i,
    class: 'account',
    meaning: 'the sender is not on a domain with Email Routing, or the binding does not allow it',
    source: SEND_BINDINGS,
  },
  {
    code: 'send_email',
    message: /limit|rate|quota/i,
    class: 'quota',
    meaning: 'the account sending limit is reached',
    source: LIMITS,
  },
  {
    code: 'send_email',
    message: /invalid|malformed|too large|size/i,
    class: 'message',
    meaning: 'the message is invalid or too large',
    source: LIMITS,
  },
  {
    code: 'send_email',
    class: 'transient',
    meaning: 'any other failure of the binding: worth another try',
    source: SEND_FROM_WORKERS,
  },
];
