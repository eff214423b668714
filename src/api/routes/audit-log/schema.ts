import { z } from '@hono/zod-openapi';
import type { AuditLogRow } from '../../../db/schema';
import { pageQuery } from '../../openapi';

export const AuditEntrySchema = z
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
export const AuditQuery = pageQuery('aud').extend({
  action: z.string().min(1).max(100).optional(),
  targetType: z.string().min(1).max(50).optional(),
  targetId: z.string().min(1).max(255).optional(),
  actorKeyId: z.string().min(1).max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const presentAuditEntry = (r: AuditLogRow) => ({
  id: r.id,
  action: r.action,
  actorKeyId: r.actorKeyId,
  targetType: r.targetType,
  targetId: r.targetId,
  requestId: r.requestId,
  details: r.details,
  createdAt: r.createdAt.toISOString(),
});
