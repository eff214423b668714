import { createRoute, z } from '@hono/zod-openapi';
import { insertAuditEntry } from '../../../db/queries/audit-log';
import { deleteSuppression, listSuppressions } from '../../../db/queries/suppressions';
import { CHANNELS } from '../../../db/schema';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';

const SuppressionSchema = z
  .object({
    channel: z.enum(CHANNELS),
    address: z.string(),
    reason: z.string(),
    provider: z.string(),
    deliveryId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Suppression');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/suppressions',
  tags: ['Suppressions'],
  summary: 'Addresses providers reported invalid; sends to them end `suppressed` without a provider call',
  security: bearerSecurity,
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

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/suppressions/{channel}/{address}',
  tags: ['Suppressions'],
  summary: 'Lift a suppression (for example after the recipient fixed their address)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: {
    params: z.object({
      channel: z.enum(CHANNELS).openapi({ param: { name: 'channel', in: 'path' } }),
      address: z
        .string()
        .min(1)
        .max(4096)
        .openapi({ param: { name: 'address', in: 'path' }, description: 'URL-encoded' }),
    }),
  },
  responses: { 204: { description: 'Lifted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerSuppressionRoutes(app: App) {
  app.openapi(listRoute, async (c) => {
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
  app.openapi(deleteRoute, async (c) => {
    const auth = authOf(c);
    const { channel, address } = c.req.valid('param');
    const [deleted] = await deleteSuppression(c.var.db, auth.tenantId, channel, address);
    if (!deleted) throw notFound('Suppression');
    await insertAuditEntry(c.var.db, {
      tenantId: auth.tenantId,
      actorKeyId: auth.keyId,
      action: 'suppression.deleted',
      targetType: 'suppression',
      targetId: `${channel}:${address}`,
      requestId: c.var.requestId,
    });
    return c.body(null, 204);
  });
}
