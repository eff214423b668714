import { z } from 'zod';
import { parseJson, providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { Provider } from '../types';
import { chatText, parseChatAddress } from './chat-address';

/** Discord webhook: POST {url}?wait=true { content } → 200 message; 404 code 10015 = unknown webhook. */
export const discordProvider: Provider<Record<string, never>> = {
  id: 'discord',
  channel: 'chat',
  credentials: z.object({}).strict(),
  errors: [],
  accepts: (address) => parseChatAddress(address)?.target === 'discord',
  async send(message, _creds, ctx) {
    const target = parseChatAddress(message.address)!.value;
    const refused = refusedRecipientUrl(target, ctx.urlPolicy);
    if (refused) return refused;
    const url = new URL(target);
    url.searchParams.set('wait', 'true');
    return providerFetch(
      url.toString(),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: chatText(message.content).slice(0, 2000), allowed_mentions: { parse: [] } }),
      },
      ctx.timeoutMs,
      {
        ok: (res, body) => ({
          ok: true,
          providerMessageId: String(parseJson(body)?.id ?? ''),
          responseCode: res.status,
        }),
        refine: (error, body) => {
          const parsed = parseJson(body);
          const code = Number(parsed?.code);
          const retryAfter = Number(parsed?.retry_after);
          return {
            ...error,
            code: Number.isFinite(code) && code > 0 ? `discord_${code}` : error.code,
            ...(code === 10015 || error.responseCode === 404 ? { invalidRecipient: true } : {}),
            ...(error.responseCode === 429 && Number.isFinite(retryAfter)
              ? { retryAfterSeconds: Math.ceil(retryAfter) }
              : {}),
          };
        },
      },
    );
  },
};
