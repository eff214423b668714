import { createRoute } from '@hono/zod-openapi';
import { updateProvider } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { actorOf } from './actor';
import { ProviderIdParam, ProviderSchema, presentProvider, UpdateProviderBody } from './schema';

export const updateProviderRoute = createRoute({
  method: 'patch',
  path: '/v1/providers/{id}',
  tags: ['Providers'],
  summary: 'Rename, re-prioritise, enable/disable, or replace the credentials of a provider',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: ProviderIdParam, body: jsonBody(UpdateProviderBody) },
  responses: { 200: json(ProviderSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateProvider(app: App) {
  app.openapi(updateProviderRoute, async (c) => {
    const row = await updateProvider(c.var.db, c.var.config, actorOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentProvider(row), 200);
  });
}
