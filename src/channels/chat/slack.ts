import { z } from 'zod';
import { classifyBy } from '../error-table';
import { parseJson, providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { OutboundMessage, Provider, ProviderError } from '../types';
import { chatText, parseChatAddress } from './chat-address';
import { slackBotErrors, slackWebhookErrors } from './slack-errors';

const BotCredentials = z
  .object({ botToken: z.string().regex(/^xox[bp]-/, 'must be a Slack bot token (xoxb-…)') })
  .strict();

const payload = (message: OutboundMessage) => ({
  text: chatText(message.content),
  // Block Kit passthrough: content.data.blocks is sent as is.
  ...(Array.isArray(message.content.data?.blocks) ? { blocks: message.content.data.blocks } : {}),
});

/** Slack incoming webhook: the URL is the credential, so no configuration is needed. */
export const slackWebhookProvider: Provider<Record<string, never>> = {
  id: 'slack_webhook',
  channel: 'chat',
  credentials: z.object({}).strict(),
  errors: slackWebhookErrors,
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
        refine: (error, body) => {
          // Incoming webhooks answer errors as a plain-text code.
          const code = body.trim().slice(0, 40);
          return classifyBy(slackWebhookErrors, { ...error, code: code ? `slack_${code}` : error.code }, code);
        },
      },
    );
  },
};

/** A Web API `{ ok: false, error }` answer, classified by its code (the HTTP status decides only without one). */
function webApiError(error: ProviderError, body: string): ProviderError {
  const code = String(parseJson(body)?.error ?? '');
  if (!code) return classifyBy(slackBotErrors, error, '');
  return classifyBy(
    slackBotErrors,
    { ...error, code: `slack_${code}`, message: `Slack chat.postMessage: ${code}` },
    code,
  );
}

/** Slack Web API chat.postMessage with the tenant's bot token; Slack reports errors as 200 { ok: false, error }. */
export const slackBotProvider: Provider<z.infer<typeof BotCredentials>> = {
  id: 'slack',
  channel: 'chat',
  credentials: BotCredentials,
  errors: slackBotErrors,
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
      {
        ok: (res, body) => ({ ok: true, providerMessageId: body, responseCode: res.status }),
        refine: webApiError,
      },
    );
    if (!result.ok) return result;
    const body = parseJson(result.providerMessageId ?? '');
    if (body?.ok === true) return { ok: true, providerMessageId: String(body.ts ?? ''), responseCode: 200 };
    const failed: ProviderError = {
      code: 'slack_unknown_error',
      message: 'Slack chat.postMessage failed',
      retryable: false,
      responseCode: 200,
    };
    return { ok: false, error: webApiError(failed, result.providerMessageId ?? '') };
  },
};
