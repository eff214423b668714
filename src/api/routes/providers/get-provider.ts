import { createRoute } from '@hono/zod-openapi';
import { getProviderConfig } from '../../../db/queries/providers';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ProviderIdParam, ProviderSchema, presentProvider } from './schema';

export const getProviderRoute = createRoute({
  method: 'get',
  path: '/v1/providers/{id}',
  tags: ['Providers'],
  summary: 'A provider configuration (credentials never included)',
  security: bearerSecurity,
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
