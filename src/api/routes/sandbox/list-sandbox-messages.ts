import { z } from '@hono/zod-openapi';
import { listSandboxMessages } from '../../../db/queries/sandbox';
import { CHANNELS } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { SandboxMessageSchema } from './schema';

export const listSandboxMessagesRoute = operation({
  method: 'get',
  path: '/v1/sandbox/messages',
  operationId: 'listSandboxMessages',
  tags: ['Sandbox'],
  summary: 'Messages sent with a test key: rendered, stored, never handed to a provider',
  description:
    'Lets an integration test assert on exactly what would have been sent, without a real provider or recipient.',
  middleware: [requireScope('read')] as const,
  request: {
    query: pageQuery('sbx').extend({
      channel: z.enum(CHANNELS).optional(),
      recipient: z.string().max(2048).optional(),
    }),
  },
  responses: {
    200: json(pageOf(SandboxMessageSchema), 'A page of sandbox messages'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListSandboxMessages(app: App) {
  app.openapi(listSandboxMessagesRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listSandboxMessages(
      c.var.db,
      authOf(c).tenantId,
      { channel: q.channel, recipient: q.recipient },
      q,
    );
    return c.json(
      {
        data: page.data.map((m) => ({
          id: m.id,
          deliveryId: m.deliveryId,
          notificationId: m.notificationId,
          channel: m.channel as (typeof CHANNELS)[number],
          recipient: m.recipient,
          address: m.address,
          message: m.message,
          createdAt: m.createdAt.toISOString(),
        })),
        next: page.next,
      },
      200,
    );
  });
}
