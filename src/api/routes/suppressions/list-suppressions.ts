import { z } from '@hono/zod-openapi';
import { listSuppressions } from '../../../db/queries/suppressions';
import { CHANNELS } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { SuppressionSchema } from './schema';

export const listSuppressionsRoute = operation({
  method: 'get',
  path: '/v1/suppressions',
  operationId: 'listSuppressions',
  tags: ['Suppressions'],
  summary: 'Addresses providers reported invalid; sends to them end `suppressed` without a provider call',
  description: 'Filled from provider receipts (hard bounces, complaints, invalid numbers). Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: {
    query: z.object({
      channel: z.enum(CHANNELS).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      after: z.iso.datetime().optional().openapi({ description: 'The `next` cursor of the previous page' }),
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(SuppressionSchema), next: z.string().nullable() }), 'A page of suppressions'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListSuppressions(app: App) {
  app.openapi(listSuppressionsRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listSuppressions(c.var.db, authOf(c).tenantId, q.channel, q.limit, q.after);
    return c.json(
      {
        data: page.data.map((s) => ({
          channel: s.channel as (typeof CHANNELS)[number],
          address: s.address,
          reason: s.reason,
          provider: s.provider,
          deliveryId: s.deliveryId,
          createdAt: s.createdAt.toISOString(),
        })),
        next: page.next,
      },
      200,
    );
  });
}
