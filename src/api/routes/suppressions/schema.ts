import { z } from '@hono/zod-openapi';
import { CHANNELS } from '../../../db/schema';

export const SuppressionSchema = z
  .object({
    channel: z.enum(CHANNELS),
    address: z.string(),
    reason: z.string(),
    provider: z.string(),
    deliveryId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Suppression');
