import { z } from 'zod';
import { classifyBy } from '../error-table';
import { parseJson, providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { Provider } from '../types';
import { chatText, parseChatAddress } from './chat-address';
import { discordErrors } from './discord-errors';

/** Discord webhook: POST {url}?wait=true { content } → 200 message; 404 code 10015 = unknown webhook. */
export const discordProvider: Provider<Record<string, never>> = {
  id: 'discord',
  channel: 'chat',
  credentials: z.object({}).strict(),
  errors: discordErrors,
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
          const hasCode = parsed?.code !== undefined && Number.isFinite(code);
          const named = {
            ...error,
            code: hasCode && code > 0 ? `discord_${code}` : error.code,
            ...(error.responseCode === 429 && Number.isFinite(retryAfter)
              ? { retryAfterSeconds: Math.ceil(retryAfter) }
              : {}),
          };
          return classifyBy(discordErrors, named, hasCode ? String(code) : String(error.responseCode ?? ''));
        },
      },
    );
  },
};
