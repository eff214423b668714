import { createRoute } from '@hono/zod-openapi';
import { getUsageSettings } from '../../../db/queries/tenants';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { presentUsageSettings, UsageSettingsSchema } from './schema';

export const getUsageSettingsRoute = createRoute({
  method: 'get',
  path: '/v1/usage/settings',
  tags: ['Analytics'],
  summary: 'Tracking, unit prices and budget',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(UsageSettingsSchema, 'Settings'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetUsageSettings(app: App) {
  app.openapi(getUsageSettingsRoute, async (c) => {
    const tenant = await getUsageSettings(c.var.db, authOf(c).tenantId);
    if (!tenant) throw notFound('Tenant');
    return c.json(presentUsageSettings(tenant.settings), 200);
  });
}
