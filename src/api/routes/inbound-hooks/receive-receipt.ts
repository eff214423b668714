import { z } from '@hono/zod-openapi';
import { MAX_RECEIPT_BODY_CHARS } from '../../../channels/receipts/types';
import { receiveReceipts } from '../../../domain/receipts/receive-receipts';
import { type App, appContextOf } from '../../context';
import { PUBLIC_ACCESS } from '../../middleware/access';
import { errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { readCappedBody } from '../../read-capped-body';

/**
 * The provider's own payload, as it sends it. Documented, not validated here: plain schemas (not zod) keep the
 * router from parsing a body the handler must read raw, because the signatures are computed over the exact bytes.
 */
const RECEIPT_BODY = {
  required: true,
  content: {
    'application/json': {
      schema: { description: 'The JSON events of SendGrid (an array), Postmark and Resend (an object each)' },
      example: [
        { email: 'kim@acme.test', event: 'delivered', sg_message_id: 'filter0001.123.abc', timestamp: 1736931600 },
      ],
    },
    'application/x-www-form-urlencoded': {
      schema: { type: 'object' as const, description: 'Twilio status callbacks' },
      example: { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered' },
    },
    'text/plain': {
      schema: { type: 'string' as const, description: 'Amazon SNS notifications (JSON sent as text/plain)' },
      example: '{"Type":"Notification","MessageId":"7b3c…","Message":"{\\"notificationType\\":\\"Delivery\\"}"}',
    },
  },
};

export const receiveReceiptRoute = operation({
  method: 'post',
  path: '/hooks/{provider}/{token}',
  operationId: 'receiveReceipt',
  tags: ['Webhooks'],
  summary: "Inbound receipts from a provider, checked with the provider's own signature",
  description:
    'No API key: the token names the tenant and the signature (SNS certificate, SendGrid ECDSA, X-Twilio-Signature, Postmark Basic auth, Resend/Svix) proves the sender. The same event twice changes nothing.',
  access: PUBLIC_ACCESS,
  request: {
    params: z.object({
      provider: z
        .string()
        .max(32)
        .openapi({ param: { name: 'provider', in: 'path' }, example: 'sendgrid' }),
      token: z
        .string()
        .max(200)
        .openapi({ param: { name: 'token', in: 'path' }, example: 'q3Zr1vX9mPbT4cW7yLd2NfK8sH0jA6uE' }),
    }),
    body: RECEIPT_BODY,
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
