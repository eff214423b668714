import type { ErrorTable } from '../../error-table';

const SEND_EMAIL = 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html';
const COMMON = 'https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html';
const SENDING_ERRORS = 'https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html';
const SIGV4 = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html';

/**
 * SES v2 SendEmail errors (the operation's modelled errors and the common AWS errors), keyed by the error type
 * SES names in `x-amzn-ErrorType`. SES documents no synchronous error as specific to the recipient: an address
 * on a suppression list is accepted and bounces later (the bounce arrives as a receipt), so nothing here
 * suppresses. `MessageRejected` carries several causes, told apart by its message, most specific first.
 */
export const sesErrors: ErrorTable = [
  {
    code: 'MessageRejected',
    message: /not verified/i,
    class: 'account',
    meaning:
      'sender identity not verified in this region, or the account is in the sandbox and the recipient is not verified',
    source: SENDING_ERRORS,
  },
  {
    code: 'MessageRejected',
    message: /paused|suspended/i,
    class: 'account',
    meaning: "the account's ability to send is paused or suspended",
    source: SENDING_ERRORS,
  },
  {
    code: 'MessageRejected',
    message: /quota exceeded|sending rate exceeded/i,
    class: 'quota',
    meaning: 'daily sending quota or maximum send rate exceeded',
    source: SENDING_ERRORS,
  },
  {
    // SES does not say whether the From or the To address is malformed, so it cannot suppress the recipient.
    code: 'MessageRejected',
    message: /illegal address|missing final|local address|domain (contains|ends|starts)/i,
    class: 'message',
    meaning: 'an address in the message (sender or recipient) is malformed',
    source: SENDING_ERRORS,
  },
  { code: 'MessageRejected', class: 'message', meaning: 'the message contains invalid content', source: SEND_EMAIL },
  {
    code: 'AccountSuspendedException',
    class: 'account',
    meaning: "the account's ability to send email has been permanently restricted",
    source: SEND_EMAIL,
  },
  {
    code: 'SendingPausedException',
    class: 'account',
    meaning: "the account's ability to send email is currently paused",
    source: SEND_EMAIL,
  },
  {
    code: 'MailFromDomainNotVerifiedException',
    class: 'account',
    meaning: 'the custom MAIL FROM domain is not verified',
    source: SEND_EMAIL,
  },
  {
    code: 'NotFoundException',
    class: 'account',
    meaning: 'a resource the request names (configuration set, identity) does not exist',
    source: SEND_EMAIL,
  },
  {
    code: 'LimitExceededException',
    class: 'quota',
    meaning: 'too many instances of the specified resource type',
    source: SEND_EMAIL,
  },
  {
    code: 'TooManyRequestsException',
    class: 'quota',
    meaning: 'too many requests have been made to the operation',
    source: SEND_EMAIL,
  },
  { code: 'BadRequestException', class: 'message', meaning: 'the input provided is invalid', source: SEND_EMAIL },
  { code: 'ThrottlingException', class: 'quota', meaning: 'request denied due to throttling', source: COMMON },
  { code: 'AccessDeniedException', class: 'account', meaning: 'insufficient access for the action', source: COMMON },
  {
    code: 'IncompleteSignature',
    class: 'account',
    meaning: 'signature does not conform to AWS standards',
    source: COMMON,
  },
  {
    code: 'InvalidClientTokenId',
    class: 'account',
    meaning: 'the access key ID does not exist in AWS records',
    source: COMMON,
  },
  { code: 'NotAuthorized', class: 'account', meaning: 'no permission to perform the action', source: COMMON },
  {
    code: 'OptInRequired',
    class: 'account',
    meaning: 'the access key needs a subscription for the service',
    source: COMMON,
  },
  {
    code: 'SignatureDoesNotMatch',
    class: 'account',
    meaning: 'the signature does not match (wrong secret access key)',
    source: SIGV4,
  },
  {
    code: 'RequestExpired',
    class: 'transient',
    meaning: 'request reached AWS more than 15 minutes after its date stamp; a new signature fixes it',
    source: COMMON,
  },
  { code: 'ValidationError', class: 'message', meaning: 'input fails the service constraints', source: COMMON },
  { code: 'InternalFailure', class: 'transient', meaning: 'unknown error on the AWS side', source: COMMON },
  { code: 'ServiceUnavailable', class: 'transient', meaning: 'temporary failure of the server', source: COMMON },
];
