import { z } from '@hono/zod-openapi';
import { CONFIGURABLE_PROVIDER_IDS } from '../../../channels/registry';
import { CHANNELS, type ProviderConfigRow } from '../../../db/schema';

export const ProviderSchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    provider: z.enum(CONFIGURABLE_PROVIDER_IDS),
    name: z.string(),
    priority: z.number().int(),
    enabled: z.boolean(),
    credentialsFingerprint: z
      .string()
      .openapi({ description: 'Credentials are never returned; this tells them apart' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Provider');

export const CreatedProviderSchema = ProviderSchema.extend({
  signingSecret: z.string().optional().openapi({
    description: 'The `webhook` provider only: its Standard Webhooks signing secret (`whsec_…`), shown this once',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('CreatedProvider');

const credentials = z
  .record(z.string(), z.unknown())
  .openapi({ description: "The provider's credentials; see README 'Channels and providers' for each schema" });

export const CreateProviderBody = z
  .object({
    channel: z.enum(CHANNELS),
    provider: z.enum(CONFIGURABLE_PROVIDER_IDS),
    name: z.string().trim().min(1).max(100),
    credentials,
    priority: z.number().int().min(0).max(1000).default(0),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi('CreateProviderRequest');

export const UpdateProviderBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    credentials: credentials.optional(),
    priority: z.number().int().min(0).max(1000).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' })
  .openapi('UpdateProviderRequest');

export const ProviderIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'prv_01jf…' }),
});

export const presentProvider = (p: ProviderConfigRow): z.infer<typeof ProviderSchema> => ({
  id: p.id,
  channel: p.channel as z.infer<typeof ProviderSchema>['channel'],
  provider: p.provider as z.infer<typeof ProviderSchema>['provider'],
  name: p.name,
  priority: p.priority,
  enabled: p.enabled,
  credentialsFingerprint: p.fingerprint,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
