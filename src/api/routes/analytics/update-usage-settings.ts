import { patchUsageSettings } from '../../../db/queries/tenants';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentUsageSettings, UsageSettingsBody, UsageSettingsSchema } from './schema';

export const updateUsageSettingsRoute = operation({
  method: 'patch',
  path: '/v1/usage/settings',
  operationId: 'updateUsageSettings',
  tags: ['Analytics'],
  summary: 'Change tracking, unit prices or budget (null resets a field to its default)',
  description: 'Only the fields sent change. Tracking switches apply to emails sent after the change.',
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(UsageSettingsBody, { trackClicks: true, prices: { sms: 0.0079 }, monthlyBudget: 500 }) },
  responses: { 200: json(UsageSettingsSchema, 'Settings'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerUpdateUsageSettings(app: App) {
  app.openapi(updateUsageSettingsRoute, async (c) => {
    const patch = c.req.valid('json');
    const settings = await patchUsageSettings(c.var.db, authOf(c).tenantId, patch);
    await audit(c, {
      action: 'usage_settings.updated',
      targetType: 'tenant',
      targetId: authOf(c).tenantId,
      details: { after: presentUsageSettings(settings) },
    });
    return c.json(presentUsageSettings(settings), 200);
  });
}
