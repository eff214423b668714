import { getRetentionDays } from '../../../db/queries/retention';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentRetention, RetentionSchema } from './schema';

export const getRetentionRoute = operation({
  method: 'get',
  path: '/v1/settings/retention',
  operationId: 'getRetention',
  tags: ['Settings'],
  summary: 'How long message bodies are kept',
  description:
    'After this many days rendered content is erased from stored deliveries; the delivery records and their statuses stay.',
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
