import { createRoute, z } from '@hono/zod-openapi';
import { MAX_RECEIPT_BODY_CHARS } from '../../../channels/receipts/types';
import { receiveReceipts } from '../../../domain/receipts/receive-receipts';
import { type App, appContextOf } from '../../context';
import { errorResponses, json } from '../../openapi';
import { readCappedBody } from '../../read-capped-body';

export const receiveReceiptRoute = createRoute({
  method: 'post',
  path: '/hooks/{provider}/{token}',
  tags: ['Webhooks'],
  summary: "Inbound receipts from a provider, checked with the provider's own signature",
  description:
    'No API key: the token names the tenant and the signature (SNS certificate, SendGrid ECDSA, X-Twilio-Signature, Postmark Basic auth, Resend/Svix) proves the sender. The same event twice changes nothing.',
  request: {
    params: z.object({
      provider: z
        .string()
        .max(32)
        .openapi({ param: { name: 'provider', in: 'path' }, example: 'sendgrid' }),
      token: z
        .string()
        .max(200)
        .openapi({ param: { name: 'token', in: 'path' } }),
    }),
  },
  responses: {
    200: json(z.object({ received: z.number().int(), confirmed: z.boolean() }), 'Applied'),
    ...errorResponses(401, 404, 413, 503),
  },
});

export function registerReceiveReceipt(app: App) {
  app.openapi(receiveReceiptRoute, async (c) => {
    const body = new TextDecoder().decode(await readCappedBody(c, MAX_RECEIPT_BODY_CHARS, 'Receipt body'));
    const { provider, token } = c.req.valid('param');
    const result = await receiveReceipts(appContextOf(c), provider, token, {
      url: c.req.url,
      method: c.req.method,
      headers: c.req.raw.headers,
      body,
    });
    return c.json(result, 200);
  });
}
