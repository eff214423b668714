import { getProviderConfig } from '../../../db/queries/providers';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ProviderIdParam, ProviderSchema, presentProvider } from './schema';

export const getProviderRoute = operation({
  method: 'get',
  path: '/v1/providers/{id}',
  operationId: 'getProvider',
  tags: ['Providers'],
  summary: 'A provider configuration (credentials never included)',
  description:
    'Shows channel, provider, priority, enabled state and a fingerprint of the credentials, which are write-only.',
  middleware: [requireScope('read')] as const,
  request: { params: ProviderIdParam },
  responses: { 200: json(ProviderSchema, 'The provider'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetProvider(app: App) {
  app.openapi(getProviderRoute, async (c) => {
    const row = await getProviderConfig(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!row) throw notFound('Provider');
    return c.json(presentProvider(row), 200);
  });
}
