import type { ErrorTable } from '../../error-table';

const ERRORS = 'https://resend.com/docs/api-reference/errors';
const DOMAIN_MISMATCH = 'https://resend.com/docs/knowledge-base/403-error-domain-mismatch';

/**
 * Resend's error names (`name` in the error body, compared in lower case: the docs once spelled one
 * `invalid_api_Key`). `validation_error` covers field errors (400/422) and the 403 account restrictions, so its
 * rows are told apart by message, most specific first. Only a malformed `to` is the recipient's.
 */
export const resendErrors: ErrorTable = [
  {
    code: 'validation_error',
    message: /only send testing emails/i,
    class: 'account',
    meaning: 'no verified domain: testing emails go only to the account owner’s address',
    source: ERRORS,
  },
  {
    code: 'validation_error',
    message: /domain (is )?not verified|verify (a|your) domain/i,
    class: 'account',
    meaning: 'the from domain is not verified in this Resend account',
    source: DOMAIN_MISMATCH,
  },
  { code: 'validation_error', message: /api key/i, class: 'account', meaning: 'API key is invalid', source: ERRORS },
  {
    code: 'validation_error',
    message: /`from`|\bfrom\b field/i,
    class: 'account',
    meaning: 'the configured from field is invalid',
    source: ERRORS,
  },
  {
    code: 'validation_error',
    message: /^invalid `to` field/i,
    class: 'recipient',
    meaning: 'the to address is not a valid email address',
    source: ERRORS,
  },
  { code: 'validation_error', class: 'message', meaning: 'a field of the request is invalid', source: ERRORS },
  { code: 'invalid_idempotency_key', class: 'message', meaning: 'idempotency key must be 1-256 chars', source: ERRORS },
  { code: 'missing_api_key', class: 'account', meaning: 'missing API key in the authorization header', source: ERRORS },
  { code: 'restricted_api_key', class: 'account', meaning: 'the API key is restricted', source: ERRORS },
  { code: 'invalid_api_key', class: 'account', meaning: 'API key is invalid', source: ERRORS },
  { code: 'not_found', class: 'account', meaning: 'the requested endpoint does not exist', source: ERRORS },
  { code: 'method_not_allowed', class: 'account', meaning: 'method not allowed for the path', source: ERRORS },
  {
    code: 'invalid_idempotent_request',
    class: 'message',
    meaning: 'same idempotency key used with a different payload',
    source: ERRORS,
  },
  {
    code: 'concurrent_idempotent_requests',
    class: 'transient',
    meaning: 'same idempotency key while the original request is in progress',
    source: ERRORS,
  },
  { code: 'invalid_attachment', class: 'message', meaning: 'an attachment lacks content or path', source: ERRORS },
  { code: 'invalid_from_address', class: 'account', meaning: 'invalid from field', source: ERRORS },
  { code: 'invalid_access', class: 'account', meaning: 'the API key lacks the needed access', source: ERRORS },
  { code: 'invalid_parameter', class: 'message', meaning: 'a parameter is not valid', source: ERRORS },
  { code: 'missing_required_field', class: 'message', meaning: 'required fields are missing', source: ERRORS },
  { code: 'monthly_quota_exceeded', class: 'quota', meaning: 'monthly sending quota reached', source: ERRORS },
  { code: 'daily_quota_exceeded', class: 'quota', meaning: 'daily sending quota reached', source: ERRORS },
  { code: 'rate_limit_exceeded', class: 'quota', meaning: 'too many requests per second', source: ERRORS },
  { code: 'security_error', class: 'message', meaning: 'a security issue was found with the request', source: ERRORS },
  { code: 'application_error', class: 'transient', meaning: 'an unexpected error occurred', source: ERRORS },
  { code: 'internal_server_error', class: 'transient', meaning: 'an unexpected error occurred', source: ERRORS },
];
