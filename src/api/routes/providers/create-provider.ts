import { createRoute } from '@hono/zod-openapi';
import { createProvider } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { actorOf } from './actor';
import { CreateProviderBody, ProviderSchema, presentProvider } from './schema';

export const createProviderRoute = createRoute({
  method: 'post',
  path: '/v1/providers',
  tags: ['Providers'],
  summary: "Add a provider account to a channel's failover chain",
  description: 'Credentials are validated against the provider, encrypted at rest (AES-256-GCM) and never returned.',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(CreateProviderBody) },
  responses: { 201: json(ProviderSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateProvider(app: App) {
  app.openapi(createProviderRoute, async (c) => {
    const row = await createProvider(c.var.db, c.var.config, actorOf(c), c.req.valid('json'));
    return c.json(presentProvider(row), 201);
  });
}
