import { z } from 'zod';
import { classifyBy } from '../../error-table';
import { parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { emailParts } from '../email-content';
import { postmarkErrors } from './errors';

const Credentials = z
  .object({
    serverToken: z.string().min(10).max(500),
    from: z.string().min(3).max(320),
    messageStream: z.string().default('outbound'),
    /** Postmark does not sign webhooks: put this as the Basic-auth password in the webhook URL you give it. */
    webhookSecret: z.string().min(16).max(200).optional(),
  })
  .strict();

/** Postmark: POST /email → 200 { ErrorCode: 0, MessageID }. */
export const postmarkProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'postmark',
  channel: 'email',
  credentials: Credentials,
  errors: postmarkErrors,
  accepts: () => true,
  send(message, creds, ctx) {
    const { subject, text, html } = emailParts(message.content);
    return providerFetch(
      `${ctx.baseUrl('https://api.postmarkapp.com')}/email`,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          'x-postmark-server-token': creds.serverToken,
        },
        body: JSON.stringify({
          From: creds.from,
          To: message.address,
          Subject: subject,
          TextBody: text,
          ...(html ? { HtmlBody: html } : {}),
          MessageStream: creds.messageStream,
          Metadata: { delivery_id: message.deliveryId },
          ...(message.headers
            ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }
            : {}),
        }),
      },
      ctx.timeoutMs,
      {
        ok: (res, body) => ({
          ok: true,
          providerMessageId: String(parseJson(body)?.MessageID ?? ''),
          responseCode: res.status,
        }),
        refine: (error, body) => {
          const parsed = parseJson(body);
          const code = parsed?.ErrorCode === undefined ? Number.NaN : Number(parsed.ErrorCode);
          const known = Number.isFinite(code);
          const coded = {
            ...error,
            code: known ? `postmark_${code}` : error.code,
            message: String(parsed?.Message ?? error.message),
          };
          return classifyBy(postmarkErrors, coded, known ? String(code) : '');
        },
      },
    );
  },
};
