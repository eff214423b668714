import { z } from 'zod';
import { basicAuth, parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { smsSegments, smsText } from '../segments';

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

/** Twilio error codes: 21211 invalid To, 21614 not a mobile number, 21610 recipient replied STOP, 21408 region. */
const INVALID_RECIPIENT = new Set([21211, 21614, 21610, 21612, 21408]);
/** 20003 authentication, 21606/21659/21212 our From is not usable. */
const PROVIDER_FAULT = new Set([20003, 21606, 21659, 21212, 20404]);

/** Twilio Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json (form-encoded) → 201 { sid }. */
export const twilioProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'twilio',
  channel: 'sms',
  credentials: Credentials,
  errors: [],
  accepts: (address) => /^\+[1-9]\d{1,14}$/.test(address),
  send(message, creds, ctx) {
    const body = smsText(message.content);
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
          return {
            ...error,
            code: Number.isFinite(code) ? `twilio_${code}` : error.code,
            message: String(parsed?.message ?? error.message),
            retryable: error.retryable || code === 20429,
            ...(INVALID_RECIPIENT.has(code) ? { invalidRecipient: true } : {}),
            ...(PROVIDER_FAULT.has(code) ? { providerFault: true } : {}),
          };
        },
      },
    );
  },
};
