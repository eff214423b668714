import { updateProvider } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from './actor';
import { ProviderIdParam, ProviderSchema, presentProvider, UpdateProviderBody } from './schema';

export const updateProviderRoute = operation({
  method: 'patch',
  path: '/v1/providers/{id}',
  operationId: 'updateProvider',
  tags: ['Providers'],
  summary: 'Rename, re-prioritise, enable/disable, or replace the credentials of a provider',
  description: 'Only the fields sent change. New credentials are validated and encrypted like on create.',
  middleware: [requireScope('admin')] as const,
  request: { params: ProviderIdParam, body: jsonBody(UpdateProviderBody, { priority: 10, enabled: false }) },
  responses: { 200: json(ProviderSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateProvider(app: App) {
  app.openapi(updateProviderRoute, async (c) => {
    const row = await updateProvider(c.var.db, c.var.config, actorOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentProvider(row), 200);
  });
}
