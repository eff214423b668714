import { z } from 'zod';
import { parseJson, providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { OutboundMessage, Provider } from '../types';
import { chatText, parseChatAddress } from './chat-address';

const BotCredentials = z
  .object({ botToken: z.string().regex(/^xox[bp]-/, 'must be a Slack bot token (xoxb-…)') })
  .strict();

const payload = (message: OutboundMessage) => ({
  text: chatText(message.content),
  // Block Kit passthrough: content.data.blocks is sent as is.
  ...(Array.isArray(message.content.data?.blocks) ? { blocks: message.content.data.blocks } : {}),
});

/** Incoming webhook errors are plain-text codes (Slack's reference). */
const WEBHOOK_GONE = new Set(['no_service', 'channel_not_found', 'channel_is_archived', 'no_team', 'team_disabled']);

/** Slack incoming webhook: the URL is the credential, so no configuration is needed. */
export const slackWebhookProvider: Provider<Record<string, never>> = {
  id: 'slack_webhook',
  channel: 'chat',
  credentials: z.object({}).strict(),
  errors: [],
  accepts: (address) => parseChatAddress(address)?.target === 'slack',
  async send(message, _creds, ctx) {
    const target = parseChatAddress(message.address)!.value;
    const refused = refusedRecipientUrl(target, ctx.urlPolicy);
    if (refused) return refused;
    return providerFetch(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload(message)) },
      ctx.timeoutMs,
      {
        ok: (res) => ({ ok: true, responseCode: res.status }),
        refine: (error, body) => ({
          ...error,
          code: body.trim() ? `slack_${body.trim().slice(0, 40)}` : error.code,
          ...(WEBHOOK_GONE.has(body.trim()) ? { invalidRecipient: true } : {}),
        }),
      },
    );
  },
};

const INVALID_CHANNEL = new Set(['channel_not_found', 'is_archived', 'not_in_channel', 'user_not_found']);
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive', 'missing_scope']);

/** Slack Web API chat.postMessage with the tenant's bot token; Slack reports errors as 200 { ok: false, error }. */
export const slackBotProvider: Provider<z.infer<typeof BotCredentials>> = {
  id: 'slack',
  channel: 'chat',
  credentials: BotCredentials,
  errors: [],
  accepts: (address) => parseChatAddress(address)?.target === 'slack-channel',
  async send(message, creds, ctx) {
    const result = await providerFetch(
      `${ctx.baseUrl('https://slack.com')}/api/chat.postMessage`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${creds.botToken}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ channel: parseChatAddress(message.address)!.value, ...payload(message) }),
      },
      ctx.timeoutMs,
      { ok: (res, body) => ({ ok: true, providerMessageId: body, responseCode: res.status }) },
    );
    if (!result.ok) return result;
    const body = parseJson(result.providerMessageId ?? '');
    if (body?.ok === true) return { ok: true, providerMessageId: String(body.ts ?? ''), responseCode: 200 };
    const code = String(body?.error ?? 'unknown_error');
    return {
      ok: false,
      error: {
        code: `slack_${code}`,
        message: `Slack chat.postMessage: ${code}`,
        responseCode: 200,
        retryable: code === 'ratelimited' || code === 'internal_error' || code === 'fatal_error',
        ...(INVALID_CHANNEL.has(code) ? { invalidRecipient: true } : {}),
        ...(AUTH_ERRORS.has(code) ? { providerFault: true } : {}),
      },
    };
  },
};
