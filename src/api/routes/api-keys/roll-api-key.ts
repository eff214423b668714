import { rollKey } from '../../../domain/api-keys/manage-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { KeyIdParam, presentApiKey, RollApiKeyResponse } from './schema';

export const rollApiKeyRoute = operation({
  method: 'post',
  path: '/v1/api-keys/{id}/roll',
  operationId: 'rollApiKey',
  tags: ['API keys'],
  summary: 'Replace a key; the old one keeps working for the grace period (API_KEY_ROLL_GRACE_HOURS, 24 h)',
  description:
    'Returns the new key once. The old key gets an expiry at the end of the grace period so callers can switch without downtime.',
  middleware: [requireScope('admin')] as const,
  request: { params: KeyIdParam },
  responses: { 201: json(RollApiKeyResponse, 'The new key'), ...errorResponses(...AUTHED_ERRORS, 404, 409) },
});

export function registerRollApiKey(app: App) {
  app.openapi(rollApiKeyRoute, async (c) => {
    const auth = authOf(c);
    const actor = { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId };
    const grace = c.var.config.API_KEY_ROLL_GRACE_HOURS;
    const { key, secret, previous } = await rollKey(c.var.db, actor, c.req.valid('param').id, grace);
    return c.json({ apiKey: { ...presentApiKey(key), key: secret }, previous: presentApiKey(previous) }, 201);
  });
}
