import { EmailMessage } from 'cloudflare:email';
import { z } from 'zod';
import { classifyBy } from '../error-table';
import type { Provider } from '../types';
import { cloudflareEmailErrors } from './cloudflare-email-errors';
import { parseFrom } from './email-content';
import { buildEmail } from './mime';

const Credentials = z.object({ from: z.string().min(3).max(320) }).strict();

/**
 * Cloudflare Email Routing's send_email binding: a mimetext-built message to a verified destination address.
 * Errors are thrown (no status codes): `cloudflareEmailErrors` reads the message.
 */
export const cloudflareEmailProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'cloudflare_email',
  channel: 'email',
  credentials: Credentials,
  errors: cloudflareEmailErrors,
  accepts: () => true,
  async send(message, creds, ctx) {
    const binding = ctx.bindings.EMAIL;
    if (!binding) {
      return {
        ok: false,
        error: {
          code: 'binding_missing',
          message: 'send_email binding EMAIL is not configured',
          retryable: false,
          providerFault: true,
        },
      };
    }
    const from = parseFrom(creds.from).email;
    const raw = buildEmail({
      from: creds.from,
      to: message.address,
      content: message.content,
      deliveryId: message.deliveryId,
      notificationId: message.notificationId,
      headers: message.headers,
    });
    try {
      await binding.send(new EmailMessage(from, message.address, raw));
      return { ok: true, providerMessageId: `<${message.deliveryId}@notifykit>` };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const error = { code: 'cloudflare_email_error', message: text, retryable: true };
      return { ok: false, error: classifyBy(cloudflareEmailErrors, error, 'send_email') };
    }
  },
};
