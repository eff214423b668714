import { receiptUrls, rotateHooksToken } from '../../../domain/receipts/hooks-token';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { ReceiptUrlsSchema, receiptOrigin } from './schema';

export const rotateInboundHooksRoute = operation({
  method: 'post',
  path: '/v1/inbound-hooks/rotate-token',
  operationId: 'rotateInboundHooksToken',
  tags: ['Webhooks'],
  summary: 'Replace the token in the receipt URLs (the old URLs stop working at once)',
  description:
    'Use it when a receipt URL has leaked. Every provider must then be given the new URLs from the response.',
  middleware: [requireScope('admin')] as const,
  responses: { 200: json(ReceiptUrlsSchema, 'The new receipt URLs'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerRotateInboundHooksToken(app: App) {
  app.openapi(rotateInboundHooksRoute, async (c) => {
    const token = await rotateHooksToken(c.var.db, actorOf(c));
    return c.json({ urls: receiptUrls(receiptOrigin(c), token) }, 200);
  });
}
