import { z } from '@hono/zod-openapi';
import { listProviderConfigs } from '../../../db/queries/providers';
import { CHANNELS } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { ProviderSchema, presentProvider } from './schema';

export const listProvidersRoute = operation({
  method: 'get',
  path: '/v1/providers',
  operationId: 'listProviders',
  tags: ['Providers'],
  summary: 'List provider configurations (credentials never included)',
  description:
    "Paged with a cursor, newest first; `priority` gives each one its place in its channel's failover chain (lowest first).",
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('prv').extend({ channel: z.enum(CHANNELS).optional() }) },
  responses: { 200: json(pageOf(ProviderSchema), 'A page of providers'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListProviders(app: App) {
  app.openapi(listProvidersRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listProviderConfigs(c.var.db, authOf(c).tenantId, q.channel, q);
    return c.json({ data: page.data.map(presentProvider), next: page.next }, 200);
  });
}
