import { hooksTokenOf, receiptUrls } from '../../../domain/receipts/hooks-token';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ReceiptUrlsSchema, receiptOrigin } from './schema';

export const getInboundHooksRoute = operation({
  method: 'get',
  path: '/v1/inbound-hooks',
  operationId: 'getInboundHooks',
  tags: ['Webhooks'],
  summary: 'The URLs providers post delivery receipts to (delivered, bounced, complaints, opens, clicks)',
  description:
    "One URL per supported provider; paste it into the provider's webhook settings. The token in the URL identifies the tenant, so treat these URLs as secrets.",
  middleware: [requireScope('admin')] as const,
  responses: { 200: json(ReceiptUrlsSchema, 'Receipt URLs'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetInboundHooks(app: App) {
  app.openapi(getInboundHooksRoute, async (c) => {
    const token = await hooksTokenOf(c.var.db, authOf(c).tenantId);
    return c.json({ urls: receiptUrls(receiptOrigin(c), token) }, 200);
  });
}
