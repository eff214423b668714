import { getRetentionDays, setRetentionDays } from '../../../db/queries/retention';
import { notFound } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentRetention, RetentionBody, RetentionSchema } from './schema';

export const setRetentionRoute = operation({
  method: 'put',
  path: '/v1/settings/retention',
  operationId: 'setRetention',
  tags: ['Settings'],
  summary: 'Set how long message bodies are kept',
  description:
    'A daily job removes notification content and data, rendered sandbox and inbox copies, tracked links, error ' +
    'messages and webhook response snippets older than this; statuses, timestamps, costs and usage totals stay. ' +
    'Shortening takes effect at the next run and cannot be undone. See docs/operations.md#retention.',
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(RetentionBody, { days: 30 }) },
  responses: { 200: json(RetentionSchema, 'Retention'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerSetRetention(app: App) {
  app.openapi(setRetentionRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const before = await getRetentionDays(c.var.db, tenantId);
    const row = await setRetentionDays(c.var.db, tenantId, c.req.valid('json').days);
    if (!before || !row) throw notFound('Tenant');
    await audit(c, {
      action: 'retention_settings.updated',
      targetType: 'tenant',
      targetId: tenantId,
      details: { before: presentRetention(before.days), after: presentRetention(row.days) },
    });
    return c.json(presentRetention(row.days), 200);
  });
}
