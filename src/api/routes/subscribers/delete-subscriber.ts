import { z } from '@hono/zod-openapi';
import { deleteSubscriber } from '../../../db/queries/subscribers';
import { eraseSubscriber } from '../../../domain/subscribers/erase-subscriber';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam } from './schema';

const ErasureSchema = z
  .object({
    erased: z.literal(true),
    subscriberId: z.string().openapi({ description: "The tenant's own user id, as in the path", example: 'user-42' }),
    internalId: z
      .string()
      .nullable()
      .openapi({ description: 'Our id for them (`sub_…`), as the audit log records it (it keeps no personal data)' }),
    deliveries: z.number().int().openapi({ description: 'Deliveries whose recipient, address and links were erased' }),
    canceled: z.number().int().openapi({ description: 'Of those, still queued: canceled, never sent' }),
    notificationsWiped: z.number().int().openapi({ description: 'Sent only to them: content, data, metadata removed' }),
    notificationsRedacted: z
      .number()
      .int()
      .openapi({ description: 'Shared with others: their identifiers scrubbed from content, data, metadata' }),
    webhookEvents: z.number().int(),
  })
  .openapi('SubscriberErasure');

export const deleteSubscriberRoute = operation({
  method: 'delete',
  path: '/v1/subscribers/{externalId}',
  operationId: 'deleteSubscriber',
  tags: ['Subscribers'],
  summary: 'Delete a subscriber, or erase everything held about them (`?erase=true`)',
  description:
    'Without `erase`: deletes the profile, preferences, topic memberships and inbox (204); the delivery history ' +
    'keeps naming them. With `erase=true` (GDPR Art. 17): irreversibly removes or redacts their personal data ' +
    'everywhere while keeping anonymous delivery rows for analytics, and records the erasure in the audit log ' +
    '(200). Also works after a plain delete. See docs/operations.md#gdpr-export-and-erasure.',
  middleware: [requireScope('subscribers:write')] as const,
  request: {
    params: ExternalIdParam,
    query: z.object({
      erase: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'true: erase all personal data (irreversible)' }),
    }),
  },
  responses: {
    200: json(ErasureSchema, 'Erased'),
    204: { description: 'Deleted' },
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerDeleteSubscriber(app: App) {
  app.openapi(deleteSubscriberRoute, async (c) => {
    const auth = authOf(c);
    const { externalId } = c.req.valid('param');
    if (c.req.valid('query').erase === 'true') {
      const report = await eraseSubscriber(
        c.var.db,
        { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId },
        externalId,
      );
      if (!report) throw notFound('Subscriber');
      const { subscriberId: internalId, ...counts } = report;
      return c.json({ erased: true as const, subscriberId: externalId, internalId, ...counts }, 200);
    }
    const deleted = await deleteSubscriber(c.var.db, auth.tenantId, externalId);
    if (!deleted) throw notFound('Subscriber');
    return c.body(null, 204);
  });
}
