import { rollKey } from '../../../domain/api-keys/manage-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ApiKeyWithSecretSchema, KeyIdParam, presentApiKey } from './schema';

export const rollApiKeyRoute = operation({
  method: 'post',
  path: '/v1/api-keys/{id}/roll',
  operationId: 'rollApiKey',
  tags: ['API keys'],
  summary: 'Replace a key; the old one keeps working for the grace period (API_KEY_ROLL_GRACE_HOURS, 24 h)',
  description:
    'Answers the new key once, in the same shape as a create. The old key now has `status: expiring` and an ' +
    '`expiresAt` at the end of the grace period (see `GET /v1/api-keys`), so callers can switch without downtime.',
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
