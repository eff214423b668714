import { z } from 'zod';
import { classifyBy } from '../../error-table';
import { parseJson, providerFetch } from '../../http-call';
import { networkFailure } from '../../http-outcome';
import type { Provider } from '../../types';
import { pushToken, stringData } from '../push-payload';
import { fcmErrors } from './errors';
import { googleAccessToken } from './google-access-token';

const Credentials = z
  .object({
    /** The Firebase service account JSON, as downloaded. */
    serviceAccount: z
      .object({
        project_id: z.string().min(1),
        client_email: z.email(),
        private_key: z.string().includes('PRIVATE KEY'),
        token_uri: z.url().optional(),
      })
      .passthrough(),
  })
  .strict();

/** An FCM v1 error body: the FcmError detail's errorCode (else the google.rpc status) and its message. */
function fcmError(body: string): { code: string; message?: string } {
  const error = parseJson(body)?.error as
    | { status?: string; message?: string; details?: { errorCode?: string }[] }
    | undefined;
  return { code: error?.details?.find((d) => d.errorCode)?.errorCode ?? error?.status ?? '', message: error?.message };
}

/** Firebase Cloud Messaging HTTP v1: POST /v1/projects/{project}/messages:send with an OAuth token. */
export const fcmProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'fcm',
  channel: 'push',
  credentials: Credentials,
  errors: fcmErrors,
  accepts: (address) => address.startsWith('fcm:'),
  async send(message, creds, ctx) {
    const account = creds.serviceAccount;
    let token: Awaited<ReturnType<typeof googleAccessToken>>;
    try {
      token = await googleAccessToken(
        account,
        `${ctx.baseUrl('https://oauth2.googleapis.com', 'google')}/token`,
        ctx.timeoutMs,
      );
    } catch (err) {
      return { ok: false, error: networkFailure(err) };
    }
    if (!token.ok) {
      return {
        ok: false,
        error: { code: 'fcm_auth_failed', message: token.message, retryable: token.status >= 500, providerFault: true },
      };
    }
    const payload = {
      message: {
        token: pushToken(message.address),
        notification: {
          title: message.content.title ?? message.content.subject ?? '',
          body: message.content.body ?? message.content.text ?? '',
        },
        data: { ...stringData(message), notifykit_delivery_id: message.deliveryId },
      },
    };
    return providerFetch(
      `${ctx.baseUrl('https://fcm.googleapis.com')}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      },
      ctx.timeoutMs,
      {
        ok: (res, body) => ({
          ok: true,
          providerMessageId: String(parseJson(body)?.name ?? ''),
          responseCode: res.status,
        }),
        refine: (error, body) => {
          const { code, message } = fcmError(body);
          const named = { ...error, code: code ? `fcm_${code}` : error.code, message: message ?? error.message };
          return classifyBy(fcmErrors, named, code);
        },
      },
    );
  },
};
