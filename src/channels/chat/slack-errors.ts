import { documentedAt, type ErrorTable } from '../error-table';

const POST = 'https://api.slack.com/methods/chat.postMessage#errors';
const RATE = 'https://api.slack.com/apis/rate-limits';
const HOOKS = 'https://api.slack.com/messaging/webhooks#handling_errors';
const HOOKS_CHANGELOG = 'https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks';

const row = documentedAt(POST);

/**
 * chat.postMessage errors (Slack answers most as 200 `{ ok: false, error }`, rate limits as 429). The channel id
 * is the address, but the bot token decides what it can see: `channel_not_found` is also every channel of a
 * token from another workspace, and of a private channel the app was not invited to, so it suppresses only once
 * this bot has delivered (`recipient_if_proven`). `not_in_channel` is the bot's membership, a setting of ours.
 * Slack spells the rate limit `rate_limited` in the method's error list and `ratelimited` in 429 answers.
 */
export const slackBotErrors: ErrorTable = [
  row('is_archived', 'recipient', 'the channel has been archived'),
  row('channel_not_found', 'recipient_if_proven', 'the channel does not exist or the token cannot see it'),
  { ...row('not_in_channel', 'account', 'the bot is not a member of the channel'), someTargets: true },
  row('invalid_auth', 'account', 'the token is invalid or the request comes from a disallowed IP'),
  row('not_authed', 'account', 'no authentication token was provided'),
  row('token_revoked', 'account', 'the token has been revoked'),
  row('token_expired', 'account', 'the token has expired'),
  row('account_inactive', 'account', 'the token belongs to a deleted user or workspace'),
  row('missing_scope', 'account', 'the token lacks the chat:write scope'),
  row('no_permission', 'account', 'the workspace token lacks the permission to post'),
  row('ekm_access_denied', 'account', 'administrators suspended the ability to post a message'),
  row('restricted_action', 'account', 'a workspace preference prevents posting here'),
  row('team_access_not_granted', 'account', 'the token has not been granted access to this workspace'),
  row('rate_limited', 'quota', 'the application has posted too many messages'),
  row('ratelimited', 'quota', 'the method rate limit was exceeded (HTTP 429 with Retry-After)', RATE),
  row('msg_too_long', 'message', 'the message text is too long'),
  row('no_text', 'message', 'no message text was provided'),
  row('too_many_attachments', 'message', 'too many attachments'),
  row('invalid_blocks', 'message', 'the blocks are invalid'),
  row('invalid_blocks_format', 'message', 'the blocks are not a JSON array of blocks'),
  row('internal_error', 'transient', 'a transient issue on Slack’s side'),
  row('fatal_error', 'transient', 'Slack could not complete the operation'),
  row('service_unavailable', 'transient', 'the service is temporarily unavailable'),
  row('request_timeout', 'transient', 'the request timed out at Slack'),
];

/**
 * Incoming-webhook errors: plain-text codes with an HTTP status. The webhook URL is the address and carries its
 * own credential, so a dead URL (revoked, removed, channel gone) is the recipient's.
 */
export const slackWebhookErrors: ErrorTable = [
  row('invalid_token', 'recipient', 'the webhook URL token is invalid (revoked or app removed)', HOOKS),
  row('no_service', 'recipient', 'the webhook is disabled, removed or invalid', HOOKS),
  row('no_team', 'recipient', 'the workspace of the webhook no longer exists', HOOKS),
  row('team_disabled', 'recipient', 'the workspace of the webhook is disabled', HOOKS),
  row('channel_not_found', 'recipient', 'the channel of the webhook does not exist', HOOKS_CHANGELOG),
  row('channel_is_archived', 'recipient', 'the channel of the webhook has been archived', HOOKS_CHANGELOG),
  row('action_prohibited', 'account', 'an admin restriction prevents the webhook from posting', HOOKS_CHANGELOG),
  row('invalid_payload', 'message', 'the request body cannot be understood', HOOKS_CHANGELOG),
  row('no_text', 'message', 'the message has no text', HOOKS),
  row('too_many_attachments', 'message', 'the message has too many attachments', HOOKS),
  row('rollup_error', 'transient', 'something unusual happened at Slack, likely not our fault', HOOKS_CHANGELOG),
];
