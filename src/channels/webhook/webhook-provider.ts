import { z } from 'zod';
import { activeSecrets, type SigningSecrets, SigningSecretsSchema, signedHeaders } from '../../lib/standard-webhooks';
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

/** Configured: the tenant's signing secrets (sealed at rest). Built in (no configuration): `{}`, unsigned. */
type WebhookCredentials = Partial<SigningSecrets>;

/**
 * The `webhook` channel: POSTs the notification as JSON to the recipient's URL. `Idempotency-Key` is the
 * delivery id, so a receiver can drop the rare duplicate that at-least-once delivery allows. With a configured
 * `webhook` provider every request is signed the Standard Webhooks way (`webhook-id` = the delivery id, the same on
 * every retry), exactly as our event webhooks are, so one verifier serves both.
 */
export const webhookProvider: Provider<WebhookCredentials> = {
  id: 'webhook',
  channel: 'webhook',
  // Nothing to write: the signing secret is generated on create, never chosen by the tenant.
  credentials: z.object({}).strict() as z.ZodType<WebhookCredentials>,
  errors: [],
  generatesSigningSecret: true,
  accepts: (address) => /^https?:\/\//.test(address),
  async send(message, credentials, ctx) {
    const refused = refusedRecipientUrl(message.address, ctx.urlPolicy);
    if (refused) return refused;
    const body = JSON.stringify(webhookBody(message));
    const now = new Date();
    const secrets = SigningSecretsSchema.safeParse(credentials);
    const signature = secrets.success
      ? signedHeaders(activeSecrets(secrets.data, now), message.deliveryId, now, body)
      : {};
    return providerFetch(
      message.address,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'notifykit-webhook/1',
          'idempotency-key': message.deliveryId,
          ...signature,
        },
        body,
      },
      ctx.timeoutMs,
      {
        ok: (res) => ({ ok: true, responseCode: res.status }),
        refine: (error) => ({ ...error, providerFault: false }),
      },
    );
  },
};
