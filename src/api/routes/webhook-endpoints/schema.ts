import { z } from '@hono/zod-openapi';
import type { WebhookAttemptRow, WebhookEndpointRow } from '../../../db/schema';
import { EVENT_TYPES, SUBSCRIBABLE_EVENT_TYPES } from '../../../domain/webhooks/event-types';

const EventTypeEnum = z.enum(SUBSCRIBABLE_EVENT_TYPES as unknown as [string, ...string[]]);

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()).openapi({ description: 'Event types sent to it; empty = all' }),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'failing']).nullable().openapi({
      description: '`gone`: it answered 410; `failing`: no success for 5 days. Null if enabled or disabled by you',
    }),
    failingSince: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('WebhookEndpoint');

const events = z
  .array(EventTypeEnum)
  .max(EVENT_TYPES.length)
  .refine((a) => new Set(a).size === a.length, 'must not repeat a type')
  .openapi({ description: 'Event types to receive; omit or [] for all' });

const url = z.string().trim().min(1).max(2048).openapi({ example: 'https://example.com/webhooks/notifykit' });
const description = z.string().trim().max(500);

export const CreateWebhookEndpointBody = z
  .object({ url, events: events.optional(), description: description.optional(), enabled: z.boolean().default(true) })
  .strict()
  .openapi('CreateWebhookEndpointRequest');

export const UpdateWebhookEndpointBody = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' })
  .openapi('UpdateWebhookEndpointRequest');

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret (whsec_…). Shown only now; store it safely.' }),
}).openapi('CreatedWebhookEndpoint');

export const EndpointIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'whe_01jf…' }),
});

export const RotatedSecretSchema = z
  .object({
    secret: z.string(),
    previousSecretExpiresAt: z.iso.datetime().openapi({ description: 'Until then both secrets sign each delivery' }),
  })
  .openapi('RotatedWebhookSecret');

export const ReplayBody = z
  .object({
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }).optional(),
    types: z.array(EventTypeEnum).max(EVENT_TYPES.length).optional(),
  })
  .strict()
  .openapi('ReplayWebhookEventsRequest');

export const ReplaySchema = z
  .object({ replayed: z.number().int(), since: z.string(), until: z.string() })
  .openapi('ReplayWebhookEventsResult');

export const AttemptSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attemptNo: z.number().int(),
    outcome: z.enum(['succeeded', 'failed']),
    statusCode: z.number().int().nullable(),
    durationMs: z.number().int(),
    responseSnippet: z.string().nullable().openapi({ description: 'At most 1 KB of the response body' }),
    error: z.string().nullable(),
    startedAt: z.iso.datetime(),
  })
  .openapi('WebhookAttempt');

export const TestResultSchema = z
  .object({
    eventId: z.string(),
    succeeded: z.boolean(),
    statusCode: z.number().int().nullable(),
    durationMs: z.number().int(),
    responseSnippet: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('WebhookTestResult');

export const presentEndpoint = (e: WebhookEndpointRow): z.infer<typeof WebhookEndpointSchema> => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.eventTypes,
  enabled: e.enabled,
  disabledReason: e.disabledReason as 'gone' | 'failing' | null,
  failingSince: e.failingSince?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

export const presentAttempt = (a: WebhookAttemptRow): z.infer<typeof AttemptSchema> => ({
  id: a.id,
  eventId: a.eventId,
  eventType: a.eventType,
  attemptNo: a.attemptNo,
  outcome: a.outcome,
  statusCode: a.statusCode,
  durationMs: a.durationMs,
  responseSnippet: a.responseSnippet,
  error: a.error,
  startedAt: a.startedAt.toISOString(),
});
