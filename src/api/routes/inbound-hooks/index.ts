import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { RECEIPT_PROVIDER_IDS } from '../../../channels/receipts/registry';
import { MAX_RECEIPT_BODY_CHARS } from '../../../channels/receipts/types';
import { hooksTokenOf, receiptUrls, rotateHooksToken } from '../../../domain/receipts/hooks-token';
import { receiveReceipts } from '../../../domain/receipts/receive-receipts';
import { type App, type AppEnv, appContextOf, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { readCappedBody } from '../../read-capped-body';
import { actorOf } from '../providers/actor';

const ReceiptUrlsSchema = z
  .object({
    urls: z.record(z.enum(RECEIPT_PROVIDER_IDS), z.string()).openapi({
      description:
        'Give each provider its URL (SES: an SNS HTTPS subscription). Keep them secret: they name your tenant.',
    }),
  })
  .openapi('InboundHookUrls');

export const getInboundHooksRoute = createRoute({
  method: 'get',
  path: '/v1/inbound-hooks',
  tags: ['Webhooks'],
  summary: 'The URLs providers post delivery receipts to (delivered, bounced, complaints, opens, clicks)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  responses: { 200: json(ReceiptUrlsSchema, 'Receipt URLs'), ...errorResponses(...AUTHED_ERRORS) },
});

export const rotateInboundHooksRoute = createRoute({
  method: 'post',
  path: '/v1/inbound-hooks/rotate-token',
  tags: ['Webhooks'],
  summary: 'Replace the token in the receipt URLs (the old URLs stop working at once)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  responses: { 200: json(ReceiptUrlsSchema, 'The new receipt URLs'), ...errorResponses(...AUTHED_ERRORS) },
});

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

const origin = (c: Context<AppEnv>) => new URL(c.var.config.PUBLIC_BASE_URL || c.req.url).origin;

export function registerInboundHookRoutes(app: App) {
  app.openapi(getInboundHooksRoute, async (c) => {
    const token = await hooksTokenOf(c.var.db, authOf(c).tenantId);
    return c.json({ urls: receiptUrls(origin(c), token) }, 200);
  });
  app.openapi(rotateInboundHooksRoute, async (c) => {
    const token = await rotateHooksToken(c.var.db, actorOf(c));
    return c.json({ urls: receiptUrls(origin(c), token) }, 200);
  });
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
