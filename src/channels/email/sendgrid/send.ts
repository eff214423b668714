import { z } from 'zod';
import { classifyBy, findRow } from '../../error-table';
import { parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { emailParts, parseFrom } from '../email-content';
import { sendgridErrors } from './errors';

const Credentials = z
  .object({
    apiKey: z.string().min(10).max(500),
    from: z.string().min(3).max(320),
    /** The Signed Event Webhook's verification key (base64 DER, ECDSA P-256) that SendGrid shows; enables receipts. */
    webhookPublicKey: z
      .string()
      .max(600)
      // base64 DER as SendGrid shows it, or the same wrapped as PEM (the verifier accepts both)
      .refine(
        (k) => /^[A-Za-z0-9+/=]{60,400}$/.test(k.replace(/-----[^-]+-----|\s/g, '')),
        'must be the key SendGrid shows',
      )
      .optional(),
  })
  .strict();

interface SendgridError {
  field?: string | null;
  message?: string;
}

const describe = (e: SendgridError | undefined) => (e?.field ? `${e.field}: ${e.message ?? ''}` : (e?.message ?? ''));

/**
 * Classifies a failed Mail Send by its `errors[]`. With several entries, a non-recipient one wins: a request that
 * is also wrong elsewhere says nothing certain about the address.
 */
function classifyErrors(status: number, errors: SendgridError[]) {
  const code = String(status);
  return errors.find((e) => findRow(sendgridErrors, code, describe(e))?.class !== 'recipient') ?? errors[0];
}

/** SendGrid v3 Mail Send: POST /v3/mail/send → 202 with X-Message-Id. */
export const sendgridProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'sendgrid',
  channel: 'email',
  credentials: Credentials,
  errors: sendgridErrors,
  accepts: () => true,
  send(message, creds, ctx) {
    const { subject, text, html } = emailParts(message.content);
    // Every content value must be at least one character (an image-only HTML email has no text); text/plain,
    // when present, comes first.
    const content = [
      ...(text || !html ? [{ type: 'text/plain', value: text || ' ' }] : []),
      ...(html ? [{ type: 'text/html', value: html }] : []),
    ];
    return providerFetch(
      `${ctx.baseUrl('https://api.sendgrid.com')}/v3/mail/send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${creds.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          personalizations: [{ to: [{ email: message.address }] }],
          from: parseFrom(creds.from),
          subject,
          content,
          custom_args: { delivery_id: message.deliveryId, notification_id: message.notificationId },
          ...(message.headers ? { headers: message.headers } : {}),
        }),
      },
      ctx.timeoutMs,
      {
        ok: (res, _body) => ({
          ok: true,
          providerMessageId: res.headers.get('x-message-id') ?? undefined,
          responseCode: res.status,
        }),
        refine: (error, body, res) => {
          const errors = parseJson(body)?.errors;
          const entry = classifyErrors(res.status, Array.isArray(errors) ? (errors as SendgridError[]) : []);
          const message = entry?.message ?? error.message;
          return classifyBy(sendgridErrors, { ...error, message }, String(res.status), describe(entry) || message);
        },
      },
    );
  },
};
