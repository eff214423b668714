import { createRoute } from '@hono/zod-openapi';
import { getRetentionDays } from '../../../db/queries/retention';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { presentRetention, RetentionSchema } from './schema';

export const getRetentionRoute = createRoute({
  method: 'get',
  path: '/v1/settings/retention',
  tags: ['Settings'],
  summary: 'How long message bodies are kept',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(RetentionSchema, 'Retention'), ...errorResponses(...AUTHED_ERRORS) },
});

export function registerGetRetention(app: App) {
  app.openapi(getRetentionRoute, async (c) => {
    const row = await getRetentionDays(c.var.db, authOf(c).tenantId);
    if (!row) throw notFound('Tenant');
    return c.json(presentRetention(row.days), 200);
  });
}
