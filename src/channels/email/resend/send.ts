import { z } from 'zod';
import { classifyBy } from '../../error-table';
import { parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { emailParts } from '../email-content';
import { resendErrors } from './errors';

const Credentials = z
  .object({
    apiKey: z.string().min(10).max(500),
    from: z.string().min(3).max(320),
    /** The webhook's signing secret (whsec_…) from Resend; enables receipts. */
    webhookSecret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{20,200}$/, 'must be the whsec_ secret Resend shows')
      .optional(),
  })
  .strict();

/** Resend: POST /emails → 200 { id }. */
export const resendProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'resend',
  channel: 'email',
  credentials: Credentials,
  errors: resendErrors,
  accepts: () => true,
  send(message, creds, ctx) {
    const { subject, text, html } = emailParts(message.content);
    return providerFetch(
      `${ctx.baseUrl('https://api.resend.com')}/emails`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${creds.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': message.deliveryId,
        },
        body: JSON.stringify({
          from: creds.from,
          to: [message.address],
          subject,
          text,
          ...(html ? { html } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        }),
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
          const name = String(parsed?.name ?? '');
          const text = String(parsed?.message ?? error.message);
          const coded = { ...error, code: name ? `resend_${name}` : error.code, message: text };
          return classifyBy(resendErrors, coded, name.toLowerCase(), text);
        },
      },
    );
  },
};
