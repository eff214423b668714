import { createRoute, z } from '@hono/zod-openapi';
import { getRetentionDays, setRetentionDays } from '../../../db/queries/retention';
import {
  DEFAULT_RETENTION_DAYS,
  effectiveRetentionDays,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
} from '../../../domain/retention/retention-policy';
import { notFound } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';

const RetentionSchema = z
  .object({
    days: z.number().int().openapi({ description: 'Days message bodies and attempt details are kept' }),
    isDefault: z
      .boolean()
      .openapi({ description: `True while the platform default (${DEFAULT_RETENTION_DAYS}) applies` }),
  })
  .openapi('RetentionSettings');

const RetentionBody = z
  .object({
    days: z
      .number()
      .int()
      .min(MIN_RETENTION_DAYS)
      .max(MAX_RETENTION_DAYS)
      .nullable()
      .openapi({ description: `${MIN_RETENTION_DAYS}–${MAX_RETENTION_DAYS}; null returns to the default` }),
  })
  .strict()
  .openapi('RetentionSettingsUpdate');

const present = (days: number | null) => ({ days: effectiveRetentionDays(days), isDefault: days === null });

const getRoute = createRoute({
  method: 'get',
  path: '/v1/settings/retention',
  tags: ['Settings'],
  summary: 'How long message bodies are kept',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(RetentionSchema, 'Retention'), ...errorResponses(...AUTHED_ERRORS) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/settings/retention',
  tags: ['Settings'],
  summary: 'Set how long message bodies are kept',
  description:
    'A daily job removes notification content and data, rendered sandbox and inbox copies, tracked links, error ' +
    'messages and webhook response snippets older than this; statuses, timestamps, costs and usage totals stay. ' +
    'Shortening takes effect at the next run and cannot be undone. See docs/operations.md#retention.',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(RetentionBody) },
  responses: { 200: json(RetentionSchema, 'Retention'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerRetentionRoutes(app: App) {
  app.openapi(getRoute, async (c) => {
    const row = await getRetentionDays(c.var.db, authOf(c).tenantId);
    if (!row) throw notFound('Tenant');
    return c.json(present(row.days), 200);
  });

  app.openapi(putRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const before = await getRetentionDays(c.var.db, tenantId);
    const row = await setRetentionDays(c.var.db, tenantId, c.req.valid('json').days);
    if (!before || !row) throw notFound('Tenant');
    await audit(c, {
      action: 'retention_settings.updated',
      targetType: 'tenant',
      targetId: tenantId,
      details: { before: present(before.days), after: present(row.days) },
    });
    return c.json(present(row.days), 200);
  });
}
