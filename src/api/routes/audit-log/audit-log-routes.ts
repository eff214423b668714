import { createRoute, z } from '@hono/zod-openapi';
import { listAuditEntries } from '../../../db/queries/audit-log';
import type { AuditLogRow } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf, pageQuery } from '../../openapi';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    action: z.string().openapi({ example: 'api_key.revoked' }),
    actorKeyId: z
      .string()
      .nullable()
      .openapi({ description: 'The API key that acted (null: signup, one-click links)' }),
    targetType: z.string(),
    targetId: z.string(),
    requestId: z.string().openapi({ description: 'Matches the x-request-id of the call and its log lines' }),
    details: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'A summary; never secrets' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('AuditEntry');

const isoDate = z.iso.datetime({ offset: true });
const AuditQuery = pageQuery('aud').extend({
  action: z.string().min(1).max(100).optional(),
  targetType: z.string().min(1).max(50).optional(),
  targetId: z.string().min(1).max(255).optional(),
  actorKeyId: z.string().min(1).max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

const present = (r: AuditLogRow) => ({
  id: r.id,
  action: r.action,
  actorKeyId: r.actorKeyId,
  targetType: r.targetType,
  targetId: r.targetId,
  requestId: r.requestId,
  details: r.details,
  createdAt: r.createdAt.toISOString(),
});

const listAuditRoute = createRoute({
  method: 'get',
  path: '/v1/audit-log',
  tags: ['Audit'],
  summary: "The tenant's audit trail (append-only), newest first",
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { query: AuditQuery },
  responses: { 200: json(pageOf(AuditEntrySchema), 'A page of entries'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerAuditLogRoutes(app: App) {
  app.openapi(listAuditRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listAuditEntries(c.var.db, authOf(c).tenantId, {
      ...q,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    return c.json({ data: page.data.map(present), next: page.next }, 200);
  });
}
