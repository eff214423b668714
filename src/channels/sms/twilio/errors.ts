import type { ErrorRow, ErrorTable } from '../../error-table';

const doc = (code: number) => `https://www.twilio.com/docs/api/errors/${code}`;
const row = (code: number, cls: ErrorRow['class'], meaning: string): ErrorRow => ({
  code: String(code),
  class: cls,
  meaning,
  source: doc(code),
});
/** An account setting that blocks some destinations only: not a reason to pause every send (error-table.ts). */
const someTargets = (r: ErrorRow): ErrorRow => ({ ...r, someTargets: true });

/**
 * Twilio's error dictionary, for the codes the Messages API answers a create with. Several codes that speak of the
 * 'To' number are our account's doing (21408 Geo Permissions, 21608 trial accounts), so they never suppress.
 */
export const twilioErrors: ErrorTable = [
  row(21211, 'recipient', "invalid 'To' phone number"),
  row(21614, 'recipient', "'To' number is not a valid mobile number"),
  row(21610, 'recipient', 'the recipient replied STOP: unsubscribed from this sender'),
  someTargets(
    row(21408, 'account', "permission to send to this region is not enabled in the account's Geo Permissions"),
  ),
  someTargets(
    row(21608, 'account', 'trial account: the number is unverified, trial accounts send only to verified numbers'),
  ),
  row(20003, 'account', 'authentication failed: wrong Account SID or Auth Token'),
  row(20404, 'account', 'resource not found: the Account SID or Messaging Service does not exist'),
  row(21606, 'account', "the 'From' number is not a valid message-capable Twilio number for this destination"),
  row(21659, 'account', "the 'From' number is not a Twilio number owned by the account"),
  row(21212, 'account', "invalid 'From' number"),
  row(21603, 'account', "a 'From' number or Messaging Service is required"),
  row(20429, 'quota', 'too many requests: the account exceeded its API concurrency'),
  row(14107, 'quota', 'SMS send rate limit exceeded for this From number'),
  row(21611, 'quota', "the 'From' number exceeded its queue of outgoing messages"),
  // Not documented as the number's fault alone (a landline, or a route this sender lacks), and per recipient, so
  // it must not count against the account either: the delivery fails.
  row(21612, 'message', "the 'To' number is not currently reachable via SMS (landline, or no route from this sender)"),
  row(21617, 'message', 'the concatenated message body exceeds the 1,600 character limit'),
  row(21602, 'message', 'message body is required'),
  row(21604, 'message', "a 'To' phone number is required"),
  row(20500, 'transient', 'internal server error at Twilio'),
  row(20503, 'transient', 'Twilio is temporarily unavailable'),
];
