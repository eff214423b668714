import { z } from '@hono/zod-openapi';
import type { TemplateRow, TemplateVersionRow } from '../../../db/schema';
import { CHANNELS } from '../../../db/schema';
import { ResourceKey } from '../../../domain/client-ids';
import { canonicalLocale } from '../../../domain/subscribers/contact-rules';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';

const liquid = (max: number) => z.string().max(max);

export const TemplatePartsSchema = z
  .object({
    email: z
      .object({ subject: liquid(2000).optional(), html: liquid(200_000).optional(), text: liquid(100_000).optional() })
      .strict()
      .optional(),
    sms: z
      .object({ text: liquid(5000) })
      .strict()
      .optional(),
    push: z
      .object({
        title: liquid(1000).optional(),
        body: liquid(5000).optional(),
        data: z.record(z.string(), liquid(2000)).optional(),
      })
      .strict()
      .optional(),
    chat: z
      .object({
        text: liquid(10_000).optional(),
        blocks: liquid(50_000).optional().openapi({ description: 'Liquid rendering to a Block Kit JSON array' }),
      })
      .strict()
      .optional(),
    in_app: z
      .object({ title: liquid(1000).optional(), body: liquid(10_000).optional(), actionUrl: liquid(2048).optional() })
      .strict()
      .optional(),
    webhook: z
      .object({ payload: liquid(50_000).openapi({ description: 'Liquid rendering to JSON' }) })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('TemplateParts');

const localeKey = z
  .string()
  .max(35)
  .refine((l) => canonicalLocale(l) === l, 'must be a canonical BCP-47 tag such as en or es-MX');

export const TemplateContentSchema = z.object({
  defaultLocale: localeKey.default('en'),
  variables: z
    .array(z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'must be a dotted variable path such as order.id'))
    .max(100)
    .default([])
    .openapi({ description: 'Variables a send must provide in `data`; a send missing any is a 422' }),
  locales: z
    .record(localeKey, TemplatePartsSchema)
    .refine((l) => Object.keys(l).length > 0, 'needs at least one locale'),
  layout: ResourceKey.nullable()
    .optional()
    .openapi({ description: 'Email layout key; absent = the built-in `default`, null = none' }),
});

const keyParam = ResourceKey;

const FullTemplateBody = TemplateContentSchema.extend({
  key: keyParam,
  name: z.string().trim().min(1).max(200),
})
  .strict()
  .superRefine((b, ctx) => {
    if (!b.locales[b.defaultLocale])
      ctx.addIssue({ code: 'custom', path: ['locales'], message: `needs the default locale '${b.defaultLocale}'` });
  })
  .openapi('CreateTemplateRequest');

export const FromStarterBody = z
  .object({
    key: keyParam,
    starter: z
      .enum(Object.keys(STARTER_TEMPLATES) as [string, ...string[]])
      .openapi({ description: 'Copy a starter template' }),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi('CreateTemplateFromStarterRequest');

export const CreateTemplateBody = z.union([FromStarterBody, FullTemplateBody]);

export const UpdateTemplateBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    defaultLocale: localeKey.optional(),
    variables: TemplateContentSchema.shape.variables.optional(),
    locales: TemplateContentSchema.shape.locales.optional(),
    layout: TemplateContentSchema.shape.layout,
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' })
  .openapi('UpdateTemplateRequest');

export const TemplateKeyParam = z.object({
  key: keyParam.openapi({ param: { name: 'key', in: 'path' }, example: 'welcome' }),
});

export { PublishVersionBody as PublishBody } from '../../openapi';

export const PreviewBody = z
  .object({
    channel: z.enum(CHANNELS),
    data: z.record(z.string(), z.unknown()).default({}),
    locale: z.string().max(35).optional(),
    version: z.number().int().positive().optional().openapi({ description: 'Default: the draft' }),
  })
  .strict()
  .openapi('PreviewTemplateRequest');

export const PreviewResult = z
  .object({ channel: z.string(), locale: z.string(), content: z.record(z.string(), z.unknown()) })
  .openapi('TemplatePreview');

export const TemplateSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    publishedVersion: z.number().int().nullable(),
    draft: z.object({
      defaultLocale: z.string(),
      variables: z.array(z.string()),
      locales: z.record(z.string(), TemplatePartsSchema),
      layout: TemplateContentSchema.shape.layout,
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Template');

export const TemplateVersionSchema = z
  .object({
    version: z.number().int(),
    published: z.boolean(),
    content: TemplateSchema.shape.draft,
    createdAt: z.iso.datetime(),
  })
  .openapi('TemplateVersion');

export const presentTemplate = (t: TemplateRow): z.infer<typeof TemplateSchema> => ({
  id: t.id,
  key: t.key,
  name: t.name,
  publishedVersion: t.publishedVersion,
  draft: t.draft as z.infer<typeof TemplateSchema>['draft'],
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export const presentVersion = (
  v: TemplateVersionRow,
  published: number | null,
): z.infer<typeof TemplateVersionSchema> => ({
  version: v.version,
  published: v.version === published,
  content: v.content as z.infer<typeof TemplateVersionSchema>['content'],
  createdAt: v.createdAt.toISOString(),
});
