import { z } from 'zod';
import type { Provider } from '../../types';
import { parseFrom } from '../email-content';
import { buildEmail, messageIdOf } from '../mime';
import { smtpErrors } from './errors';
import { SmtpError, sendMail } from './smtp-client';
import { smtpFailure } from './smtp-failure';

const Credentials = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    /** Implicit TLS (465). */
    secure: z.boolean().default(false),
    /** STARTTLS upgrade (587); refuses to send in clear text if the server does not offer it. */
    startTls: z.boolean().default(false),
    username: z.string().max(255).optional(),
    password: z.string().max(1024).optional(),
    from: z.string().min(3).max(320),
  })
  .strict();

export const smtpProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'smtp',
  channel: 'email',
  credentials: Credentials,
  errors: smtpErrors,
  accepts: () => true,
  async send(message, creds, ctx) {
    const raw = buildEmail({
      from: creds.from,
      to: message.address,
      content: message.content,
      deliveryId: message.deliveryId,
      notificationId: message.notificationId,
      headers: message.headers,
    });
    const envelopeFrom = parseFrom(creds.from).email;
    try {
      const { response } = await sendMail(
        {
          host: creds.host,
          port: creds.port,
          secure: creds.secure,
          startTls: creds.startTls,
          timeoutMs: ctx.timeoutMs,
          ...(creds.username ? { auth: { username: creds.username, password: creds.password ?? '' } } : {}),
        },
        { from: envelopeFrom, to: [message.address] },
        raw,
      );
      return {
        ok: true,
        providerMessageId: messageIdOf(message.deliveryId),
        responseCode: Number(response.slice(0, 3)),
      };
    } catch (err) {
      if (err instanceof SmtpError) return { ok: false, error: smtpFailure(err) };
      throw err;
    }
  },
};
