import { createProvider } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from './actor';
import { CreatedProviderSchema, CreateProviderBody, presentProvider } from './schema';

export const createProviderRoute = operation({
  method: 'post',
  path: '/v1/providers',
  operationId: 'createProvider',
  tags: ['Providers'],
  summary: "Add a provider account to a channel's failover chain",
  description:
    'Credentials are validated against the provider, encrypted at rest (AES-256-GCM) and never returned. The `webhook` provider takes none (`credentials: {}`): it answers a generated signing secret once, and from then on every request of the webhook channel is signed with it.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateProviderBody, {
      channel: 'email',
      provider: 'resend',
      name: 'Resend (primary)',
      credentials: { apiKey: 're_123456789abcdef', from: 'Acme <hello@acme.test>' },
      priority: 0,
    }),
  },
  responses: { 201: json(CreatedProviderSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateProvider(app: App) {
  app.openapi(createProviderRoute, async (c) => {
    const { row, signingSecret } = await createProvider(c.var.db, c.var.config, actorOf(c), c.req.valid('json'));
    return c.json({ ...presentProvider(row), ...(signingSecret ? { signingSecret } : {}) }, 201);
  });
}
