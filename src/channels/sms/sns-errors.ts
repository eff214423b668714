import { documentedAt, type ErrorTable } from '../error-table';

const PUBLISH = 'https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors';
const COMMON = 'https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html';
const SANDBOX = 'https://docs.aws.amazon.com/sns/latest/dg/sns-sms-sandbox.html';
/** Where the SNS API reference defines OptedOut (400) and Throttled (429). */
const SMS_ERRORS =
  'https://docs.aws.amazon.com/sns/latest/api/API_CreateSMSSandboxPhoneNumber.html#API_CreateSMSSandboxPhoneNumber_Errors';

const row = documentedAt(PUBLISH);

/**
 * Amazon SNS Publish errors (and the common errors every Query API action can return). SNS reuses
 * `InvalidParameter` for any parameter, so only its message says whether the phone number is at fault; a number
 * the SMS sandbox has not verified is our account's state, not the number's.
 */
export const snsErrors: ErrorTable = [
  {
    ...row(
      'InvalidParameter',
      'account',
      'SMS sandbox: the destination number is not verified',
      SANDBOX,
      /sandbox|verif/i,
    ),
    someTargets: true,
  },
  row('InvalidParameter', 'recipient', 'the PhoneNumber is not valid to publish to', PUBLISH, /PhoneNumber/),
  row('InvalidParameter', 'message', 'a request parameter does not comply with its constraints'),
  row('InvalidParameterValue', 'message', 'a parameter value does not comply with its constraints'),
  row('ValidationException', 'message', 'the request failed validation'),
  row('OptedOut', 'recipient', 'the phone number opted out of SMS from this account', SMS_ERRORS),
  row('AuthorizationError', 'account', 'the credentials are denied access to Publish'),
  row('InvalidSecurity', 'account', 'the credential signature is not valid'),
  row('InvalidClientTokenId', 'account', 'the access key id does not exist', COMMON),
  row('SignatureDoesNotMatch', 'account', 'the request signature does not match (wrong secret key)', COMMON),
  row('OptInRequired', 'account', 'the access key id needs a subscription for the service', COMMON),
  row('KMSAccessDenied', 'account', 'the KMS key does not exist or is not accessible'),
  row('KMSDisabled', 'account', 'the KMS key is disabled'),
  row('KMSInvalidState', 'account', 'the KMS key is not in a valid state'),
  row('KMSNotFound', 'account', 'the KMS key cannot be found'),
  row('KMSOptInRequired', 'account', 'the access key id needs a KMS subscription'),
  row('KMSThrottling', 'quota', 'KMS throttled the request'),
  row('Throttling', 'quota', 'the request was denied due to request throttling', COMMON),
  row('Throttled', 'quota', 'the account exceeded its request rate for this action', SMS_ERRORS),
  row('InternalError', 'transient', 'internal service error'),
  row('InternalFailure', 'transient', 'the request failed for an unknown error or failure', COMMON),
  row('ServiceUnavailable', 'transient', 'the request failed due to a temporary failure of the server', COMMON),
];
