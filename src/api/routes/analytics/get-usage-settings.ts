import { getUsageSettings } from '../../../db/queries/tenants';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentUsageSettings, UsageSettingsSchema } from './schema';

export const getUsageSettingsRoute = operation({
  method: 'get',
  path: '/v1/usage/settings',
  operationId: 'getUsageSettings',
  tags: ['Analytics'],
  summary: 'Tracking, unit prices and budget',
  description:
    'Open and click tracking switches, the unit price per channel used for cost figures, and the monthly budget the usage endpoint compares against.',
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
