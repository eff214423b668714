import { z } from '@hono/zod-openapi';
import { INBOX_FILTERS, MARK_STATES } from '../../../db/queries/inbox';
import { MAX_MARK_IDS } from '../../../domain/inbox/protocol';
import { pageOf, pageQuery } from '../../openapi';

export const InboxMessageSchema = z
  .object({
    id: z.string().openapi({ description: 'The delivery id' }),
    notificationId: z.string(),
    title: z.string().nullable(),
    body: z.string().nullable(),
    actionUrl: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    category: z.string().nullable(),
    createdAt: z.iso.datetime(),
    seenAt: z.iso.datetime().nullable(),
    readAt: z.iso.datetime().nullable(),
    archivedAt: z.iso.datetime().nullable(),
    seen: z.boolean(),
    read: z.boolean(),
    archived: z.boolean(),
  })
  .openapi('InboxMessage');

const streamCursor = z.number().int().openapi({ description: 'Connect the WebSocket with ?since= this value' });

export const InboxPageSchema = pageOf(InboxMessageSchema).extend({ streamCursor }).openapi('InboxPage');

export const InboxQuery = pageQuery('dlv').extend({
  status: z.enum(INBOX_FILTERS).default('all').openapi({ description: '`all` = everything not archived' }),
  category: z.string().min(1).max(100).optional(),
});

export const InboxCountsSchema = z
  .object({ unread: z.number().int(), unseen: z.number().int(), streamCursor })
  .openapi('InboxCounts');

export const MarkBody = z
  .object({
    ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_MARK_IDS).optional(),
    all: z.literal(true).optional(),
    state: z.enum(MARK_STATES).openapi({ description: 'read also marks seen' }),
  })
  .strict()
  .refine((b) => Boolean(b.ids) !== Boolean(b.all), { message: 'send either ids or all: true', path: ['ids'] })
  .openapi('InboxMarkRequest');

export const MarkResultSchema = InboxCountsSchema.extend({
  updated: z.number().int().openapi({ description: 'Messages whose flag changed' }),
}).openapi('InboxMarkResult');

export const SocketQuery = z.object({
  token: z.string().min(1).max(4096).optional().openapi({ description: 'Or as the second subprotocol' }),
  since: z.coerce
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ description: 'The last cursor received: what changed after it is sent first' }),
});
