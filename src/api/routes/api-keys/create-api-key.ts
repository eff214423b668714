import { createKey } from '../../../domain/api-keys/manage-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { ApiKeyWithSecretSchema, CreateApiKeyBody, presentApiKey } from './schema';

export const createApiKeyRoute = operation({
  method: 'post',
  path: '/v1/api-keys',
  operationId: 'createApiKey',
  tags: ['API keys'],
  summary: 'Create an API key (the full key is shown once)',
  description:
    'Store the `key` from the response: only its prefix and last four characters are kept, so it cannot be shown again. A test key sends to the sandbox only.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateApiKeyBody, { name: 'Checkout service', mode: 'live', scopes: ['notifications:write'] }),
  },
  responses: {
    201: json(ApiKeyWithSecretSchema, 'Key created'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS),
  },
});

export function registerCreateApiKey(app: App) {
  app.openapi(createApiKeyRoute, async (c) => {
    const auth = authOf(c);
    const actor = { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId };
    const { key, secret } = await createKey(c.var.db, actor, c.req.valid('json'));
    return c.json({ ...presentApiKey(key), key: secret }, 201);
  });
}
