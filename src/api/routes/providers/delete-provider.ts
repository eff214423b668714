import { deleteProvider } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from './actor';
import { ProviderIdParam } from './schema';

export const deleteProviderRoute = operation({
  method: 'delete',
  path: '/v1/providers/{id}',
  operationId: 'deleteProvider',
  tags: ['Providers'],
  summary: 'Remove a provider configuration (its credentials are deleted)',
  description: 'The provider leaves the failover chain at once; deliveries already sent through it keep their history.',
  middleware: [requireScope('admin')] as const,
  request: { params: ProviderIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerDeleteProvider(app: App) {
  app.openapi(deleteProviderRoute, async (c) => {
    await deleteProvider(c.var.db, actorOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
