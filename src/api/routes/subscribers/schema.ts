import { z } from '@hono/zod-openapi';
import type { SubscriberRow } from '../../../db/schema';
import { ExternalId } from '../../../domain/client-ids';
import { canonicalLocale, E164, isIanaTimeZone } from '../../../domain/subscribers/contact-rules';
import type { ErrorDetail } from '../../../errors';
import { type UrlPolicy, urlProblem } from '../../../lib/ssrf-guard';

/** Custom data is free-form but bounded, so one subscriber cannot bloat every send that renders it. */
const MAX_DATA_BYTES = 16 * 1024;

export const ExternalIdParam = z.object({
  externalId: ExternalId.openapi({
    param: { name: 'externalId', in: 'path' },
    description: "The tenant's own user id",
    example: 'user-42',
  }),
});

/** http is refused in production by the webhook URL policy (checked in the route, which knows the environment). */
const httpsUrl = z.url({ protocol: /^https?$/ }).max(2048);

const Channels = z
  .object({
    pushTokens: z
      .array(z.object({ provider: z.enum(['fcm', 'apns']), token: z.string().min(1).max(4096) }).strict())
      .max(20)
      .optional(),
    slack: z
      .object({
        webhookUrl: httpsUrl.optional(),
        channelId: z.string().min(1).max(100).optional(),
        accessToken: z.string().min(1).max(500).optional(),
      })
      .strict()
      .optional(),
    discord: z.object({ webhookUrl: httpsUrl }).strict().optional(),
    teams: z.object({ webhookUrl: httpsUrl }).strict().optional(),
    webhookUrl: httpsUrl.optional(),
  })
  .strict()
  .openapi('SubscriberChannels');

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const UpsertSubscriberBody = z
  .object({
    email: nullable(z.email().max(320)),
    phone: nullable(z.string().regex(E164, 'must be an E.164 number such as +14155550123')),
    name: nullable(z.string().trim().min(1).max(200)),
    locale: nullable(
      z
        .string()
        .max(35)
        .transform((s, ctx) => {
          const canonical = canonicalLocale(s);
          if (!canonical) ctx.addIssue({ code: 'custom', message: 'must be a BCP-47 language tag such as en-US' });
          return canonical ?? s;
        }),
    ),
    timezone: nullable(z.string().max(64).refine(isIanaTimeZone, 'must be an IANA time zone such as Europe/Paris')),
    data: nullable(
      z
        .record(z.string(), z.unknown())
        .refine((d) => new TextEncoder().encode(JSON.stringify(d)).byteLength <= MAX_DATA_BYTES, {
          message: `must be at most ${MAX_DATA_BYTES} bytes as JSON`,
        }),
    ),
    channels: nullable(Channels),
  })
  .strict()
  .openapi('UpsertSubscriberRequest', {
    description: 'Fields present overwrite (null clears); absent fields are left as they are.',
  });

/** The channel URLs of a profile that the environment's URL policy refuses (http or private hosts in production). */
export function channelUrlProblems(
  channels: z.infer<typeof Channels> | null | undefined,
  policy: UrlPolicy,
  at: string,
): ErrorDetail[] {
  const urls = {
    [`${at}.channels.webhookUrl`]: channels?.webhookUrl,
    [`${at}.channels.slack.webhookUrl`]: channels?.slack?.webhookUrl,
    [`${at}.channels.discord.webhookUrl`]: channels?.discord?.webhookUrl,
    [`${at}.channels.teams.webhookUrl`]: channels?.teams?.webhookUrl,
  };
  return Object.entries(urls).flatMap(([path, url]) => {
    const problem = url ? urlProblem(url, policy) : null;
    return problem ? [{ path, message: problem }] : [];
  });
}

export const SubscriberSchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    name: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    channels: Channels.nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Subscriber');

export const presentSubscriber = (s: SubscriberRow): z.infer<typeof SubscriberSchema> => ({
  id: s.id,
  externalId: s.externalId,
  email: s.email,
  phone: s.phone,
  name: s.name,
  locale: s.locale,
  timezone: s.timezone,
  data: s.data,
  channels: s.channels as z.infer<typeof Channels> | null,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});
