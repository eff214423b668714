import { z } from '@hono/zod-openapi';

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
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/)
    .openapi({ param: { name: 'key', in: 'path' }, example: 'brand' }),
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
