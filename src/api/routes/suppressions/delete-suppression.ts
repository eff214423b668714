import { z } from '@hono/zod-openapi';
import { insertAuditEntry } from '../../../db/queries/audit-log';
import { deleteSuppression } from '../../../db/queries/suppressions';
import { CHANNELS } from '../../../db/schema';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';

export const deleteSuppressionRoute = operation({
  method: 'delete',
  path: '/v1/suppressions/{channel}/{address}',
  operationId: 'deleteSuppression',
  tags: ['Suppressions'],
  summary: 'Lift a suppression (for example after the recipient fixed their address)',
  description: 'Sends to the address are attempted again from then on.',
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

export function registerDeleteSuppression(app: App) {
  app.openapi(deleteSuppressionRoute, async (c) => {
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
