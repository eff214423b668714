import { z } from '@hono/zod-openapi';
import { ResourceKey } from '../../../domain/client-ids';

export const LayoutSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    html: z.string(),
    builtIn: z.boolean(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('Layout');

export const LayoutKeyParam = z.object({
  key: ResourceKey.openapi({ param: { name: 'key', in: 'path' }, example: 'brand' }),
});

export const LayoutBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    html: z
      .string()
      .max(200_000)
      .refine((h) => /\{\{\s*content\s*\}\}/.test(h), 'must contain the {{ content }} slot'),
  })
  .strict()
  .openapi('PutLayoutRequest');
