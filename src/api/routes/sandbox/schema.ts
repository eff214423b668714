import { z } from '@hono/zod-openapi';
import { CHANNELS } from '../../../db/schema';

export const SandboxMessageSchema = z
  .object({
    id: z.string(),
    deliveryId: z.string(),
    notificationId: z.string(),
    channel: z.enum(CHANNELS),
    recipient: z.string(),
    address: z.string(),
    message: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The message as it would have left, per channel' }),
    createdAt: z.iso.datetime(),
  })
  .openapi('SandboxMessage');
