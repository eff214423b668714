import { z } from '@hono/zod-openapi';
import { type CategoryRow, CHANNELS } from '../../../db/schema';
import { ResourceKey } from '../../../domain/client-ids';
import { HH_MM } from '../../../domain/preferences/quiet-hours';
import { MAX_TOKEN_TTL_SECONDS, SUBSCRIBER_SCOPES } from '../../../domain/subscribers/subscriber-token';

const CapSchema = z.object({
  limit: z.number().int().min(1).max(10_000),
  periodSeconds: z
    .number()
    .int()
    .min(60)
    .max(31 * 86400),
});

export const CategorySchema = z
  .object({
    key: z.string(),
    name: z.string(),
    critical: z.boolean(),
    frequencyCap: z
      .object({ limit: z.number(), periodSeconds: z.number(), onExceed: z.string().optional() })
      .nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Category');

export const CreateCategoryBody = z
  .object({
    key: ResourceKey,
    name: z.string().trim().min(1).max(200),
    critical: z
      .boolean()
      .default(false)
      .openapi({ description: 'Bypasses opt-outs, quiet hours and caps: security alerts, password resets' }),
    frequencyCap: CapSchema.extend({ onExceed: z.enum(['suppress', 'defer']).default('suppress') })
      .strict()
      .optional()
      .openapi({ description: 'At most `limit` per subscriber and channel per `periodSeconds`' }),
  })
  .strict()
  .openapi('CreateCategoryRequest');

const channelSwitches = z.partialRecord(z.enum(CHANNELS), z.boolean());

export const PreferenceSetSchema = z
  .object({
    optOut: z.boolean().optional().openapi({ description: 'Stops every non-critical notification' }),
    quietHours: z
      .object({
        start: z.string().regex(HH_MM, 'HH:MM'),
        end: z.string().regex(HH_MM, 'HH:MM'),
        channels: z.array(z.enum(CHANNELS)).min(1).optional(),
      })
      .strict()
      .optional()
      .openapi({
        description: "e.g. 22:00–07:00 in the subscriber's timezone; non-critical deliveries wait until it ends",
      }),
    frequencyCaps: z
      .record(ResourceKey, CapSchema.strict())
      .optional()
      .openapi({ description: "The subscriber's own cap per category (overrides the category's)" }),
    channels: channelSwitches.optional(),
    categories: z
      .record(ResourceKey, z.object({ enabled: z.boolean().optional(), channels: channelSwitches.optional() }).strict())
      .optional(),
  })
  .strict()
  .openapi('PreferenceSet');

export type Prefs = z.infer<typeof PreferenceSetSchema>;

/** The request example of both preference PUTs (tenant and subscriber). */
export const PREFERENCE_SET_EXAMPLE: z.input<typeof PreferenceSetSchema> = {
  quietHours: { start: '22:00', end: '07:00', channels: ['sms', 'push'] },
  channels: { sms: false },
  categories: { marketing: { enabled: false } },
};

export const PreferencesResponse = z
  .object({
    subscriberId: z.string().openapi({ description: "The tenant's own user id", example: 'user-42' }),
    preferences: PreferenceSetSchema,
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('SubscriberPreferences');

export const TokenBody = z
  .object({
    ttlSeconds: z.number().int().min(60).max(MAX_TOKEN_TTL_SECONDS).default(3600),
    scopes: z.array(z.enum(SUBSCRIBER_SCOPES)).min(1).default(['preferences', 'inbox']),
  })
  .strict()
  .openapi('SubscriberTokenRequest');

export const presentCategory = (c: CategoryRow): z.infer<typeof CategorySchema> => ({
  key: c.key,
  name: c.name,
  critical: c.critical,
  frequencyCap: c.frequencyCap,
  createdAt: c.createdAt.toISOString(),
});
