import { z } from 'zod';
import { classifyBy } from '../../error-table';
import { basicAuth, parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { smsSegments, smsText, smsTooLong } from '../segments';
import { twilioErrors } from './errors';

const Credentials = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC…)'),
    authToken: z.string().min(16).max(128),
    from: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/)
      .optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/)
      .optional(),
    /** Our receipt URL (GET /v1/inbound-hooks → twilio), sent as StatusCallback so Twilio reports delivery. */
    statusCallbackUrl: z.url().max(2048).optional(),
  })
  .strict()
  .refine((c) => c.from || c.messagingServiceSid, { message: 'needs from or messagingServiceSid' });

/** Twilio Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json (form-encoded) → 201 { sid }. */
export const twilioProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'twilio',
  channel: 'sms',
  credentials: Credentials,
  errors: twilioErrors,
  accepts: (address) => /^\+[1-9]\d{1,14}$/.test(address),
  send(message, creds, ctx) {
    const body = smsText(message.content);
    const tooLong = smsTooLong(body);
    if (tooLong) return Promise.resolve({ ok: false, error: tooLong });
    const form = new URLSearchParams({ To: message.address, Body: body });
    if (creds.messagingServiceSid) form.set('MessagingServiceSid', creds.messagingServiceSid);
    else form.set('From', creds.from!);
    if (creds.statusCallbackUrl) form.set('StatusCallback', creds.statusCallbackUrl);
    const { segments } = smsSegments(body);
    return providerFetch(
      `${ctx.baseUrl('https://api.twilio.com')}/2010-04-01/Accounts/${creds.accountSid}/Messages.json`,
      {
        method: 'POST',
        headers: {
          authorization: basicAuth(creds.accountSid, creds.authToken),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
      },
      ctx.timeoutMs,
      {
        ok: (res, text) => ({
          ok: true,
          providerMessageId: String(parseJson(text)?.sid ?? ''),
          responseCode: res.status,
          units: segments,
        }),
        refine: (error, text) => {
          const parsed = parseJson(text);
          const code = Number(parsed?.code);
          if (!Number.isFinite(code)) return classifyBy(twilioErrors, error, '');
          const named = { ...error, code: `twilio_${code}`, message: String(parsed?.message ?? error.message) };
          return classifyBy(twilioErrors, named, String(code));
        },
      },
    );
  },
};
