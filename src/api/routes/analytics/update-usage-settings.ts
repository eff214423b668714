import { createRoute } from '@hono/zod-openapi';
import { patchUsageSettings } from '../../../db/queries/tenants';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { presentUsageSettings, UsageSettingsBody, UsageSettingsSchema } from './schema';

export const updateUsageSettingsRoute = createRoute({
  method: 'patch',
  path: '/v1/usage/settings',
  tags: ['Analytics'],
  summary: 'Change tracking, unit prices or budget (null resets a field to its default)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(UsageSettingsBody) },
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
