import { z } from '@hono/zod-openapi';
import { CHANNELS, type DeliveryRow } from '../../../db/schema';

export const DeadLetterSchema = z
  .object({
    id: z.string().openapi({ description: 'The delivery id' }),
    notificationId: z.string(),
    channel: z.enum(CHANNELS),
    recipient: z.string(),
    attemptCount: z.number().int(),
    replays: z.number().int(),
    lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
    deadLetteredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('DeadLetter');

export const MAX_REPLAY = 1000;

const isoDate = z.iso.datetime({ offset: true });

export const ReplayBody = z
  .union([
    z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_REPLAY) }).strict(),
    z
      .object({
        filter: z
          .object({ channel: z.enum(CHANNELS).optional(), from: isoDate.optional(), to: isoDate.optional() })
          .strict(),
      })
      .strict(),
  ])
  .openapi('ReplayDeadLettersRequest', {
    description: `Either delivery ids or a filter (dead-lettered between from and to); at most ${MAX_REPLAY} per call`,
  });

export const ReplayResult = z
  .object({
    replayed: z.number().int(),
    ids: z.array(z.string()),
    more: z.boolean().openapi({ description: 'The filter matched more than one call replays; call again' }),
  })
  .openapi('ReplayDeadLettersResponse');

export const presentDeadLetter = (d: DeliveryRow): z.infer<typeof DeadLetterSchema> => ({
  id: d.id,
  notificationId: d.notificationId,
  channel: d.channel,
  recipient: d.recipient,
  attemptCount: d.attempts,
  replays: d.replays,
  lastError: d.lastError,
  deadLetteredAt: d.deadLetteredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});
