import { documentedAt, type ErrorTable } from '../error-table';

const SOURCE = 'https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns';

const row = documentedAt(SOURCE);

/**
 * APNs `reason`s. Only a token APNs says is no longer active for the topic (410) is the recipient's for certain.
 * Apple says BadDeviceToken also means the token does not match the environment (sandbox/production), and
 * DeviceTokenNotForTopic that the token belongs to another bundle id: one wrong setting of ours fails every token
 * this way, so both suppress only once this configuration has delivered (`recipient_if_proven`).
 */
export const apnsErrors: ErrorTable = [
  row('Unregistered', 'recipient', 'the device token is inactive for the specified topic'),
  row('ExpiredToken', 'recipient', 'the device token has expired'),
  row('BadDeviceToken', 'recipient_if_proven', 'bad device token, or a token for the other environment'),
  row('DeviceTokenNotForTopic', 'recipient_if_proven', 'the device token does not match the specified topic'),
  row('InvalidProviderToken', 'account', 'the provider token is not valid or its signature cannot be verified'),
  row('ExpiredProviderToken', 'account', 'the provider token is stale; a new one must be generated'),
  row('MissingProviderToken', 'account', 'no provider certificate or token was presented'),
  row('UnrelatedKeyIdInToken', 'account', "the provider token's key id is not related to the topic's team"),
  row('BadCertificate', 'account', 'the certificate is invalid'),
  row('BadCertificateEnvironment', 'account', 'the certificate is for the wrong environment'),
  row('Forbidden', 'account', 'the specified action is not allowed'),
  row('TopicDisallowed', 'account', 'pushing to this topic is not allowed'),
  row('BadTopic', 'account', 'the apns-topic is invalid'),
  row('MissingTopic', 'account', 'the apns-topic header is missing and required'),
  row('TooManyProviderTokenUpdates', 'quota', 'the provider token is being updated too often'),
  row('TooManyRequests', 'quota', 'too many requests were made consecutively to the same device token'),
  row('PayloadTooLarge', 'message', 'the message payload is too large (4 KB for a regular push)'),
  row('PayloadEmpty', 'message', 'the message payload is empty'),
  row('BadMessageId', 'message', 'the apns-id value is bad'),
  row('BadCollapseId', 'message', 'the collapse identifier exceeds the maximum size'),
  row('BadExpirationDate', 'message', 'the apns-expiration value is bad'),
  row('BadPriority', 'message', 'the apns-priority value is bad'),
  row('InvalidPushType', 'message', 'the apns-push-type value is invalid'),
  row('DuplicateHeaders', 'message', 'one or more headers are repeated'),
  row('MissingDeviceToken', 'message', 'the device token is not specified in the request path'),
  row('BadPath', 'message', 'the request contained an invalid :path value'),
  row('MethodNotAllowed', 'message', 'the :method value was not POST'),
  row('IdleTimeout', 'transient', 'idle timeout'),
  row('InternalServerError', 'transient', 'an internal server error occurred'),
  row('ServiceUnavailable', 'transient', 'the service is unavailable'),
  row('Shutdown', 'transient', 'the APNs server is shutting down'),
];
