import { createRoute } from '@hono/zod-openapi';
import { rollKey } from '../../../domain/api-keys/manage-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ApiKeyWithSecretSchema, KeyIdParam, presentApiKey } from './schema';

export const rollApiKeyRoute = createRoute({
  method: 'post',
  path: '/v1/api-keys/{id}/roll',
  tags: ['API keys'],
  summary: 'Replace a key; the old one keeps working for the grace period (API_KEY_ROLL_GRACE_HOURS, 24 h)',
  description:
    'Answers the new key as a create does. The old key now has `status: expiring` and its `expiresAt` ' +
    '(`GET /v1/api-keys/{id}`).',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: KeyIdParam },
  responses: {
    201: json(ApiKeyWithSecretSchema, 'The new key, in the same shape as a created one'),
    ...errorResponses(...AUTHED_ERRORS, 404, 409),
  },
});

export function registerRollApiKey(app: App) {
  app.openapi(rollApiKeyRoute, async (c) => {
    const auth = authOf(c);
    const actor = { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId };
    const grace = c.var.config.API_KEY_ROLL_GRACE_HOURS;
    const { key, secret } = await rollKey(c.var.db, actor, c.req.valid('param').id, grace);
    return c.json({ ...presentApiKey(key), key: secret }, 201);
  });
}
