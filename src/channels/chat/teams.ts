import { z } from 'zod';
import { providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { Provider } from '../types';
import { chatText, parseChatAddress } from './chat-address';

/** Microsoft Teams incoming webhook (Workflows): an Adaptive Card in a message attachment → 200/202. */
export const teamsProvider: Provider<Record<string, never>> = {
  id: 'teams',
  channel: 'chat',
  credentials: z.object({}).strict(),
  errors: [],
  accepts: (address) => parseChatAddress(address)?.target === 'teams',
  async send(message, _creds, ctx) {
    const target = parseChatAddress(message.address)!.value;
    const refused = refusedRecipientUrl(target, ctx.urlPolicy);
    if (refused) return refused;
    const card = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              ...(message.content.title
                ? [{ type: 'TextBlock', text: message.content.title, weight: 'Bolder', wrap: true }]
                : []),
              { type: 'TextBlock', text: chatText({ ...message.content, title: undefined }), wrap: true },
            ],
          },
        },
      ],
    };
    return providerFetch(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(card) },
      ctx.timeoutMs,
      // Microsoft documents no error codes for Workflows webhooks: the HTTP status alone decides (a 404 fails the
      // delivery), and nothing undocumented suppresses the address.
      { ok: (res) => ({ ok: true, responseCode: res.status }) },
    );
  },
};
