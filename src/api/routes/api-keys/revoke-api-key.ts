import { revokeKey } from '../../../domain/api-keys/manage-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { KeyIdParam } from './schema';

export const revokeApiKeyRoute = operation({
  method: 'delete',
  path: '/v1/api-keys/{id}',
  operationId: 'revokeApiKey',
  tags: ['API keys'],
  summary: 'Revoke an API key; it fails on its next request',
  description: "Refused with 409 when it is the tenant's last active admin key.",
  middleware: [requireScope('admin')] as const,
  request: { params: KeyIdParam },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(...AUTHED_ERRORS, 404, 409) },
});

export function registerRevokeApiKey(app: App) {
  app.openapi(revokeApiKeyRoute, async (c) => {
    const auth = authOf(c);
    const actor = { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId };
    await revokeKey(c.var.db, actor, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
