import { listApiKeys } from '../../../db/queries/api-keys';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { ApiKeySchema, presentApiKey } from './schema';

export const listApiKeysRoute = operation({
  method: 'get',
  path: '/v1/api-keys',
  operationId: 'listApiKeys',
  tags: ['API keys'],
  summary: "List the tenant's API keys (prefix and last 4 only), newest first",
  description: "Shows each key's name, mode, scopes, status and last use; never the key itself.",
  middleware: [requireScope('admin')] as const,
  request: { query: pageQuery('key') },
  responses: { 200: json(pageOf(ApiKeySchema), 'A page of keys'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListApiKeys(app: App) {
  app.openapi(listApiKeysRoute, async (c) => {
    const page = await listApiKeys(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentApiKey), next: page.next }, 200);
  });
}
