import { deleteLayout } from '../../../db/queries/layouts';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { LayoutKeyParam } from './schema';

export const deleteLayoutRoute = operation({
  method: 'delete',
  path: '/v1/layouts/{key}',
  operationId: 'deleteLayout',
  tags: ['Templates'],
  summary: 'Delete a tenant layout (templates using it then fail to render until it exists again)',
  description: 'Deleting an override of a built-in layout restores the built-in one.',
  middleware: [requireScope('admin')] as const,
  request: { params: LayoutKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerDeleteLayout(app: App) {
  app.openapi(deleteLayoutRoute, async (c) => {
    const [deleted] = await deleteLayout(c.var.db, authOf(c).tenantId, c.req.valid('param').key);
    if (!deleted) throw notFound('Layout');
    return c.body(null, 204);
  });
}
