import { createRoute } from '@hono/zod-openapi';
import { hooksTokenOf, receiptUrls } from '../../../domain/receipts/hooks-token';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ReceiptUrlsSchema, receiptOrigin } from './schema';

export const getInboundHooksRoute = createRoute({
  method: 'get',
  path: '/v1/inbound-hooks',
  tags: ['Webhooks'],
  summary: 'The URLs providers post delivery receipts to (delivered, bounced, complaints, opens, clicks)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  responses: { 200: json(ReceiptUrlsSchema, 'Receipt URLs'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetInboundHooks(app: App) {
  app.openapi(getInboundHooksRoute, async (c) => {
    const token = await hooksTokenOf(c.var.db, authOf(c).tenantId);
    return c.json({ urls: receiptUrls(receiptOrigin(c), token) }, 200);
  });
}
