import { createRoute } from '@hono/zod-openapi';
import { deleteSubscriber } from '../../../db/queries/subscribers';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses } from '../../openapi';
import { ExternalIdParam } from './schema';

export const deleteSubscriberRoute = createRoute({
  method: 'delete',
  path: '/v1/subscribers/{externalId}',
  tags: ['Subscribers'],
  summary: 'Delete a subscriber',
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: ExternalIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerDeleteSubscriber(app: App) {
  app.openapi(deleteSubscriberRoute, async (c) => {
    const deleted = await deleteSubscriber(c.var.db, authOf(c).tenantId, c.req.valid('param').externalId);
    if (!deleted) throw notFound('Subscriber');
    return c.body(null, 204);
  });
}
