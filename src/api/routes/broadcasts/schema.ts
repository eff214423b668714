import { z } from '@hono/zod-openapi';
import { BROADCAST_STATUSES, type BroadcastRow } from '../../../db/schema';

export const BroadcastSchema = z
  .object({
    id: z.string(),
    broadcastId: z.string().openapi({ description: 'Same as id (the 202 of a topic send names it so)' }),
    topic: z.string(),
    status: z.enum(BROADCAST_STATUSES),
    mode: z.enum(['test', 'live']),
    total: z.number().int().openapi({ description: 'Topic members when it was accepted' }),
    scheduleId: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable().openapi({ description: 'When the fan-out finished (not the deliveries)' }),
  })
  .openapi('Broadcast');

export const ProgressSchema = z
  .object({
    enqueued: z.number().int().openapi({ description: 'Notifications created so far (one per subscriber)' }),
    deliveries: z.number().int(),
    pending: z.number().int(),
    sent: z.number().int().openapi({ description: 'Sent or delivered' }),
    failed: z.number().int().openapi({ description: 'Failed, bounced or dead-lettered' }),
    suppressed: z.number().int(),
    canceled: z.number().int(),
  })
  .openapi('BroadcastProgress');

export const BroadcastWithProgressSchema = BroadcastSchema.extend({ progress: ProgressSchema }).openapi(
  'BroadcastWithProgress',
);

export const BroadcastIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'brd_01jf…' }),
});

export const presentBroadcast = (b: BroadcastRow): z.infer<typeof BroadcastSchema> => ({
  id: b.id,
  broadcastId: b.id,
  topic: b.topicKey,
  status: b.status,
  mode: b.mode,
  total: b.total,
  scheduleId: b.scheduleId,
  error: b.error ?? null,
  createdAt: b.createdAt.toISOString(),
  completedAt: b.completedAt?.toISOString() ?? null,
});
