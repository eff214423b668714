import { listAuditEntries } from '../../../db/queries/audit-log';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf } from '../../openapi';
import { operation } from '../../operation';
import { AuditEntrySchema, AuditQuery, presentAuditEntry } from './schema';

export const listAuditLogRoute = operation({
  method: 'get',
  path: '/v1/audit-log',
  operationId: 'listAuditLog',
  tags: ['Audit'],
  summary: "The tenant's audit trail (append-only), newest first",
  description:
    'Every change made through the API or the dashboard: who (API key), what, on which resource and when. Entries cannot be edited or deleted through the API.',
  middleware: [requireScope('admin')] as const,
  request: { query: AuditQuery },
  responses: { 200: json(pageOf(AuditEntrySchema), 'A page of entries'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListAuditLog(app: App) {
  app.openapi(listAuditLogRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listAuditEntries(c.var.db, authOf(c).tenantId, {
      ...q,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    });
    return c.json({ data: page.data.map(presentAuditEntry), next: page.next }, 200);
  });
}
