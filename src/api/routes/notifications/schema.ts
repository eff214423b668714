import { z } from '@hono/zod-openapi';
import type { PlannedNotification } from '../../../db/queries/notifications';
import type { DeliveryAttemptRow, DeliveryRow, NotificationRow } from '../../../db/schema';
import { CHANNELS, DELIVERY_STATUSES, PRIORITIES } from '../../../db/schema';
import { notificationStatus } from '../../../domain/notifications/notification-status';
import { NotificationContentSchema } from '../../../domain/notifications/send-request';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const NotificationStatusSchema = z.enum([
  'scheduled',
  'queued',
  'in_progress',
  'completed',
  'failed',
  'canceled',
]);

export const DeliverySummarySchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    status: z.enum(DELIVERY_STATUSES),
    recipient: z.string(),
  })
  .openapi('DeliverySummary');

export const AcceptedNotificationSchema = z
  .object({ id: z.string(), status: NotificationStatusSchema, deliveries: z.array(DeliverySummarySchema) })
  .openapi('AcceptedNotification');

export const AttemptSchema = z
  .object({
    attemptNo: z.number().int(),
    startedAt: z.iso.datetime(),
    provider: z.string(),
    outcome: z.enum(['sent', 'retryable_error', 'permanent_error', 'skipped']),
    responseCode: z.number().int().nullable(),
    durationMs: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    units: z.number().int().nullable().openapi({ description: 'Billing units, e.g. SMS segments' }),
  })
  .openapi('DeliveryAttempt');

export const DeliverySchema = DeliverySummarySchema.extend({
  address: z.string(),
  attemptCount: z.number().int(),
  replays: z.number().int(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  sentAt: z.iso.datetime().nullable(),
  deadLetteredAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable().openapi({ description: "From the provider's receipt" }),
  complainedAt: z.iso.datetime().nullable().openapi({ description: 'The recipient reported it as spam' }),
  engagement: z
    .object({
      opens: z.number().int(),
      firstOpenedAt: z.iso.datetime().nullable(),
      clicks: z.number().int(),
      firstClickedAt: z.iso.datetime().nullable(),
    })
    .openapi({ description: 'Opens and clicks reported by provider receipts' }),
  locale: z.string().nullable().openapi({ description: 'Template sends: the locale variant rendered' }),
  deferredUntil: z.iso.datetime().nullable().openapi({ description: 'Waiting (quiet hours) until this time' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  attempts: z.array(AttemptSchema),
}).openapi('Delivery');

const notificationFields = {
  id: z.string(),
  status: NotificationStatusSchema,
  mode: z.enum(['test', 'live']),
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  content: NotificationContentSchema,
  template: z
    .object({ key: z.string(), version: z.number().int() })
    .nullable()
    .openapi({ description: 'Template sends: the template and the version rendered; null for inline content' }),
  data: z.record(z.string(), z.unknown()).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  sendAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
};

export const NotificationSchema = z
  .object({ ...notificationFields, deliveries: z.array(DeliverySchema) })
  .openapi('Notification');

export const NotificationListItemSchema = z
  .object({ ...notificationFields, deliveries: z.array(DeliverySummarySchema) })
  .openapi('NotificationListItem');

export const NotificationIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ntf_01jf…' }),
});

export function presentAccepted(p: PlannedNotification, now = new Date()): z.infer<typeof AcceptedNotificationSchema> {
  return {
    id: p.notification.id,
    status: notificationStatus(
      p.deliveries.map((d) => d.status),
      p.notification.sendAt ? new Date(p.notification.sendAt) : null,
      now,
    ),
    deliveries: p.deliveries.map((d) => ({ id: d.id, channel: d.channel, status: d.status, recipient: d.recipient })),
  };
}

function presentAttempt(a: DeliveryAttemptRow): z.infer<typeof AttemptSchema> {
  return {
    attemptNo: a.attemptNo,
    startedAt: a.startedAt.toISOString(),
    provider: a.provider,
    outcome: a.outcome,
    responseCode: a.responseCode,
    durationMs: a.durationMs,
    error: a.errorCode ? { code: a.errorCode, message: a.errorMessage ?? '' } : null,
    units: a.units,
  };
}

export function presentDelivery(d: DeliveryRow, attempts: DeliveryAttemptRow[]): z.infer<typeof DeliverySchema> {
  return {
    id: d.id,
    channel: d.channel,
    status: d.status,
    recipient: d.recipient,
    address: d.address,
    attemptCount: d.attempts,
    replays: d.replays,
    provider: d.provider,
    providerMessageId: d.providerMessageId,
    lastError: d.lastError,
    sentAt: iso(d.sentAt),
    deadLetteredAt: iso(d.deadLetteredAt),
    deliveredAt: iso(d.deliveredAt),
    complainedAt: iso(d.complainedAt),
    engagement: {
      opens: d.opens,
      firstOpenedAt: iso(d.firstOpenedAt),
      clicks: d.clicks,
      firstClickedAt: iso(d.firstClickedAt),
    },
    locale: d.renderedLocale,
    deferredUntil: d.status === 'queued' && d.lastError?.code.startsWith('deferred_') ? iso(d.nextAttemptAt) : null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    attempts: attempts.filter((a) => a.deliveryId === d.id).map(presentAttempt),
  };
}

function notificationBase(n: NotificationRow, statuses: DeliveryRow['status'][]) {
  return {
    id: n.id,
    status: notificationStatus(statuses, n.sendAt),
    mode: n.mode,
    priority: n.priority,
    category: n.category,
    content: n.content,
    template:
      n.templateKey !== null && n.templateVersion !== null ? { key: n.templateKey, version: n.templateVersion } : null,
    data: n.data,
    metadata: n.metadata,
    sendAt: iso(n.sendAt),
    createdAt: n.createdAt.toISOString(),
  };
}

export function presentNotification(
  n: NotificationRow,
  deliveries: DeliveryRow[],
  attempts: DeliveryAttemptRow[],
): z.infer<typeof NotificationSchema> {
  return {
    ...notificationBase(
      n,
      deliveries.map((d) => d.status),
    ),
    deliveries: deliveries.map((d) => presentDelivery(d, attempts)),
  };
}

export function presentListItem(
  n: NotificationRow,
  deliveries: { id: string; channel: DeliveryRow['channel']; status: DeliveryRow['status']; recipient: string }[],
): z.infer<typeof NotificationListItemSchema> {
  return {
    ...notificationBase(
      n,
      deliveries.map((d) => d.status),
    ),
    deliveries,
  };
}
