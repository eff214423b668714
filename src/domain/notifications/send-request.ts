import { z } from '@hono/zod-openapi';
import { CHANNELS, PRIORITIES } from '../../db/schema';
import { ExternalId, ResourceKey, TopicKey } from '../client-ids';
import { E164 } from '../subscribers/contact-rules';

/** The body of POST /v1/notifications and of each bulk item. Shared by both routes and the bulk validator. */

export const MAX_RECIPIENTS = 100;
/** sendAt horizon: far enough for reminders, near enough that stale scheduled sends do not pile up. */
export const MAX_SCHEDULE_DAYS = 366;
/** A sendAt this far in the past is a client clock skew, sent now; further back it is a mistake (422). */
export const SEND_AT_PAST_TOLERANCE_SECONDS = 60;
export const MAX_METADATA_BYTES = 4 * 1024;

/** Why a sendAt cannot be used, or null. */
export function sendAtProblem(sendAt: string, now = Date.now()): string | null {
  const at = Date.parse(sendAt);
  if (at > now + MAX_SCHEDULE_DAYS * 86_400_000) return `must be within ${MAX_SCHEDULE_DAYS} days`;
  if (at < now - SEND_AT_PAST_TOLERANCE_SECONDS * 1000) return 'must not be in the past';
  return null;
}
export const MAX_DATA_BYTES = 32 * 1024;

const jsonSize = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;
/** A JSON object of at most `max` bytes (data, metadata, a workflow's actor). */
export const boundedRecord = (max: number) =>
  z
    .record(z.string(), z.unknown())
    .refine((v) => jsonSize(v) <= max, { message: `must be at most ${max} bytes as JSON` });

const ExternalIdRecipient = ExternalId.openapi({ description: "A subscriber's externalId" });

const webUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const InlineRecipient = z
  .object({
    email: z.email().max(320).optional(),
    phone: z.string().regex(E164, 'must be an E.164 number such as +14155550123').optional(),
    webhookUrl: webUrl.optional(),
    pushTokens: z
      .array(z.object({ provider: z.enum(['fcm', 'apns']), token: z.string().min(1).max(4096) }).strict())
      .max(20)
      .optional(),
    slack: z
      .object({ webhookUrl: webUrl.optional(), channelId: z.string().min(1).max(100).optional() })
      .strict()
      .optional(),
    discord: z.object({ webhookUrl: webUrl }).strict().optional(),
    teams: z.object({ webhookUrl: webUrl }).strict().optional(),
    name: z.string().max(200).optional(),
    locale: z.string().max(35).optional().openapi({ description: 'Picks the template variant' }),
  })
  .strict()
  .refine((r) => r.email || r.phone || r.webhookUrl || r.pushTokens?.length || r.slack || r.discord || r.teams, {
    message: 'needs at least one address (email, phone, webhookUrl, pushTokens, slack, discord, teams)',
  })
  .openapi('InlineRecipient', { description: 'A recipient who is not a stored subscriber' });

const Recipient = z.union([ExternalIdRecipient, InlineRecipient]);

export const NotificationContentSchema = z
  .object({
    subject: z.string().max(998).optional(),
    text: z
      .string()
      .max(100_000)
      .optional()
      .openapi({ description: 'Email text part; the SMS text (at most 1,600 characters when sms is sent: else 422)' }),
    html: z.string().max(200_000).optional(),
    title: z.string().max(500).optional(),
    body: z.string().max(10_000).optional(),
    actionUrl: webUrl.optional().openapi({ description: 'in_app: where a click on the message leads' }),
    data: boundedRecord(MAX_DATA_BYTES).optional(),
  })
  .strict()
  .openapi('NotificationContent');

export { TopicKey };

/** A topic's subscribers: the send becomes a broadcast, fanned out through the queue. */
export const TopicTarget = z
  .object({ topic: TopicKey })
  .strict()
  .openapi({ description: 'Every subscriber of a topic (a broadcast; POST /v1/notifications only)' });

export const SendNotificationBody = z
  .object({
    to: z.union([Recipient, z.array(Recipient).min(1).max(MAX_RECIPIENTS), TopicTarget]),
    channels: z
      .array(z.enum([...CHANNELS, 'in_app']))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel')
      .optional()
      .openapi({ description: 'Ordered; default: every channel the recipient can receive' }),
    fallback: z
      .array(z.enum([...CHANNELS, 'in_app']))
      .min(1)
      .max(CHANNELS.length)
      .optional()
      .openapi({ description: 'Channels to try in order when a delivery ends permanently failed or suppressed' }),
    content: NotificationContentSchema.optional(),
    template: ResourceKey.optional().openapi({ description: 'A template key; rendered per channel and locale' }),
    templateVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Pin a version (default: the published one)' }),
    data: boundedRecord(MAX_DATA_BYTES).optional(),
    priority: z.enum(PRIORITIES).default('normal'),
    category: ResourceKey.optional().openapi({ description: 'A category key (need not be defined in advance)' }),
    sendAt: z.iso.datetime({ offset: true }).optional(),
    metadata: boundedRecord(MAX_METADATA_BYTES).optional().openapi({ description: 'Opaque; echoed back in events' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.template !== undefined && body.content !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'send either content or template, not both' });
    } else if (body.template === undefined && !body.content) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'content or template is required' });
    }
    if (body.templateVersion !== undefined && body.template === undefined) {
      ctx.addIssue({ code: 'custom', path: ['templateVersion'], message: 'only with template' });
    }
    if (body.sendAt) {
      const problem = sendAtProblem(body.sendAt);
      if (problem) ctx.addIssue({ code: 'custom', path: ['sendAt'], message: problem });
    }
  })
  .openapi('SendNotificationRequest');

export type SendNotificationRequest = z.infer<typeof SendNotificationBody>;
export type InlineRecipientInput = z.infer<typeof InlineRecipient>;

export const isTopicSend = (req: SendNotificationRequest): req is SendNotificationRequest & { to: { topic: string } } =>
  typeof req.to === 'object' && !Array.isArray(req.to) && 'topic' in req.to;
