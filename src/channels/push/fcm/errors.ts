import { documentedAt, type ErrorTable } from '../../error-table';

const CODES = 'https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode';
/** The google.rpc statuses an FCM v1 answer carries when it has no FcmError detail (auth, permission). */
const STATUSES = 'https://cloud.google.com/apis/design/errors#handling_errors';

const row = documentedAt(CODES);

/**
 * FCM HTTP v1 `ErrorCode`s (the `errorCode` of the FcmError detail, else the google.rpc status). INVALID_ARGUMENT
 * covers any bad field; only the message that names the registration token is about the recipient.
 *
 * SENDER_ID_MISMATCH is `recipient_if_proven`: Google says a token is tied to the senders its app registered
 * with, so a token from another Firebase project fails this way, but so does every token when the configured
 * service account belongs to the wrong project. Like APNs DeviceTokenNotForTopic, it can only be the token's fault
 * once this configuration has delivered.
 */
export const fcmErrors: ErrorTable = [
  row('UNREGISTERED', 'recipient', 'the registration token is no longer valid (app uninstalled, token expired)'),
  row('INVALID_ARGUMENT', 'recipient', 'the registration token is not a valid FCM token', CODES, /registration token/i),
  row('INVALID_ARGUMENT', 'message', 'a request parameter was invalid (payload too big, reserved data key …)'),
  row('SENDER_ID_MISMATCH', 'recipient_if_proven', 'the token is registered for another sender (project)'),
  row('THIRD_PARTY_AUTH_ERROR', 'account', 'the APNs certificate/key or web push auth key is invalid or missing'),
  row('QUOTA_EXCEEDED', 'quota', 'the sending limit was exceeded (project, device or topic rate)'),
  row('UNAVAILABLE', 'transient', 'the server is overloaded: retry with backoff'),
  row('INTERNAL', 'transient', 'an unknown internal error occurred: retry with backoff'),
  row('UNAUTHENTICATED', 'account', 'the OAuth token is invalid or expired', STATUSES),
  row('PERMISSION_DENIED', 'account', 'the service account lacks permission to send for this project', STATUSES),
];
