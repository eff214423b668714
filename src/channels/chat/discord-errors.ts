import { documentedAt, type ErrorTable } from '../error-table';

const JSON_CODES = 'https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes';
const HTTP_CODES = 'https://discord.com/developers/docs/topics/opcodes-and-status-codes#http-http-response-codes';
const RATE_LIMITS = 'https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit';

const row = documentedAt(JSON_CODES);

/**
 * Discord JSON error codes for executing a webhook. The webhook URL is the address and holds its own token, so a
 * webhook Discord no longer knows is the recipient's. A rate-limit answer carries no JSON code: it is looked up by
 * its HTTP status, 429 (Discord's codes are 0 or five digits and above, so the two never collide).
 */
export const discordErrors: ErrorTable = [
  row('10015', 'recipient', 'Unknown Webhook: the webhook was deleted'),
  row('50027', 'recipient', 'Invalid Webhook Token: the webhook token was reset'),
  row('10003', 'recipient', "Unknown Channel: the webhook's channel was deleted"),
  row('50006', 'message', 'Cannot send an empty message'),
  row('50035', 'message', 'Invalid Form Body'),
  row('40005', 'message', 'Request entity too large'),
  row('429', 'quota', 'You are being rate limited: wait retry_after seconds', RATE_LIMITS),
  row('502', 'transient', 'Gateway unavailable: wait a bit and retry', HTTP_CODES),
];
