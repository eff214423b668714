import { z } from 'zod';
import { providerFetch } from '../http-call';
import { refusedRecipientUrl } from '../recipient-url';
import type { OutboundMessage, Provider } from '../types';

/** The JSON a webhook recipient receives (also what the sandbox stores for a test-mode webhook). */
export const webhookBody = (message: OutboundMessage) => ({
  id: message.deliveryId,
  notificationId: message.notificationId,
  recipient: message.recipient,
  category: message.category,
  content: message.content,
  data: message.data,
  metadata: message.metadata,
});

/**
 * The `webhook` channel: POSTs the notification as JSON to the recipient's URL. `Idempotency-Key` is the
 * delivery id, so a receiver can drop the rare duplicate that at-least-once delivery allows.
 */
export const webhookProvider: Provider<Record<string, never>> = {
  id: 'webhook',
  channel: 'webhook',
  credentials: z.object({}).strict(),
  accepts: (address) => /^https?:\/\//.test(address),
  async send(message, _creds, ctx) {
    const refused = refusedRecipientUrl(message.address, ctx.urlPolicy);
    if (refused) return refused;
    return providerFetch(
      message.address,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'notifykit-webhook/1',
          'idempotency-key': message.deliveryId,
        },
        body: JSON.stringify(webhookBody(message)),
      },
      ctx.timeoutMs,
      {
        ok: (res) => ({ ok: true, responseCode: res.status }),
        refine: (error) => ({ ...error, providerFault: false }),
      },
    );
  },
};
