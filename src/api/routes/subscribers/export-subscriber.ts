import { z } from '@hono/zod-openapi';
import { CHANNELS } from '../../../db/schema';
import { presentInboxMessage } from '../../../domain/inbox/protocol';
import { collectSubjectData, EXPORT_DELIVERY_LIMIT, type SubjectData } from '../../../domain/subscribers/subject-data';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { InboxMessageSchema } from '../inbox/schema';
import { DeliverySchema, presentDelivery } from '../notifications/schema';
import { ExternalIdParam, presentSubscriber, SubscriberSchema } from './schema';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const Json = z.record(z.string(), z.unknown());

const ExportSchema = z
  .object({
    exportedAt: z.iso.datetime(),
    externalId: z.string(),
    subscriber: SubscriberSchema.nullable().openapi({
      description: 'The profile; null when it was already deleted (plain DELETE) but deliveries remain',
    }),
    preferences: Json.nullable(),
    topics: z.array(z.object({ key: z.string(), name: z.string().nullable(), addedAt: z.iso.datetime() })),
    notifications: z.array(
      z.object({
        id: z.string(),
        createdAt: z.iso.datetime(),
        mode: z.enum(['test', 'live']),
        priority: z.string(),
        category: z.string().nullable(),
        template: z.object({ id: z.string(), version: z.number().int().nullable() }).nullable(),
        sendAt: z.iso.datetime().nullable(),
        content: Json,
        data: Json.nullable(),
        metadata: Json.nullable(),
        purgedAt: z.iso.datetime().nullable().openapi({ description: 'Bodies removed by retention' }),
        sharedWithOthers: z.boolean().openapi({ description: 'Also sent to other people (content is shared)' }),
        deliveries: z.array(DeliverySchema).openapi({ description: "This person's deliveries only" }),
      }),
    ),
    sandboxMessages: z.array(
      z.object({
        id: z.string(),
        deliveryId: z.string(),
        notificationId: z.string(),
        channel: z.enum(CHANNELS),
        address: z.string(),
        message: Json,
        createdAt: z.iso.datetime(),
      }),
    ),
    inbox: z.array(InboxMessageSchema),
    suppressions: z.array(
      z.object({
        channel: z.string(),
        address: z.string().openapi({ description: 'As stored: the address, or `sha256:…` after an erasure' }),
        reason: z.string(),
        provider: z.string(),
        createdAt: z.iso.datetime(),
      }),
    ),
    webhookEvents: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        createdAt: z.iso.datetime(),
        data: Json,
        attempts: z.array(
          z.object({
            endpointId: z.string(),
            attemptNo: z.number().int(),
            outcome: z.string(),
            statusCode: z.number().int().nullable(),
            responseSnippet: z.string().nullable(),
            error: z.string().nullable(),
            startedAt: z.iso.datetime(),
          }),
        ),
      }),
    ),
    auditLog: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        actorKeyId: z.string().nullable(),
        details: Json.nullable(),
        createdAt: z.iso.datetime(),
      }),
    ),
    truncated: z.boolean().openapi({
      description: `More than ${EXPORT_DELIVERY_LIMIT} deliveries: the newest are included`,
    }),
  })
  .openapi('SubscriberExport');

export const exportSubscriberRoute = operation({
  method: 'get',
  path: '/v1/subscribers/{externalId}/export',
  operationId: 'exportSubscriber',
  tags: ['Subscribers'],
  summary: 'Everything held about one person (GDPR access and portability)',
  description:
    'Profile, preferences, topics, the notifications they received with their deliveries, attempts and engagement, ' +
    'sandbox renderings, inbox, suppressions of their addresses, webhook events about them with the attempts, and ' +
    'audit entries. Shape: docs/operations.md#gdpr-export-and-erasure.',
  middleware: [requireScope('read')] as const,
  request: { params: ExternalIdParam },
  responses: { 200: json(ExportSchema, 'The export'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

function groupBy<T>(items: T[], key: (item: T) => string) {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

function present(d: SubjectData): z.infer<typeof ExportSchema> {
  const byNotification = groupBy(d.deliveries, (x) => x.notificationId);
  const attemptsByEvent = groupBy(d.webhookAttempts, (a) => a.eventId);
  return {
    exportedAt: new Date().toISOString(),
    externalId: d.subject.externalId,
    subscriber: d.subscriber ? presentSubscriber(d.subscriber) : null,
    preferences: d.preferences as Record<string, unknown> | null,
    topics: d.topics.map((t) => ({ key: t.key, name: t.name, addedAt: t.addedAt.toISOString() })),
    notifications: d.notifications.map((n) => ({
      id: n.id,
      createdAt: n.createdAt.toISOString(),
      mode: n.mode,
      priority: n.priority,
      category: n.category,
      template: n.templateId ? { id: n.templateId, version: n.templateVersion } : null,
      sendAt: iso(n.sendAt),
      content: n.content as Record<string, unknown>,
      data: n.data,
      metadata: n.metadata,
      purgedAt: iso(n.purgedAt),
      sharedWithOthers: d.shared.has(n.id),
      deliveries: (byNotification.get(n.id) ?? []).map((x) => presentDelivery(x, d.attempts)),
    })),
    sandboxMessages: d.sandbox.map((m) => ({
      id: m.id,
      deliveryId: m.deliveryId,
      notificationId: m.notificationId,
      channel: m.channel as (typeof CHANNELS)[number],
      address: m.address,
      message: m.message,
      createdAt: m.createdAt.toISOString(),
    })),
    inbox: d.inbox.map(presentInboxMessage),
    suppressions: d.suppressions.map((s) => ({
      channel: s.channel,
      address: s.address,
      reason: s.reason,
      provider: s.provider,
      createdAt: s.createdAt.toISOString(),
    })),
    webhookEvents: d.events.map((e) => ({
      id: e.id,
      type: e.type,
      createdAt: e.createdAt.toISOString(),
      data: e.data,
      attempts: (attemptsByEvent.get(e.id) ?? []).map((a) => ({
        endpointId: a.endpointId,
        attemptNo: a.attemptNo,
        outcome: a.outcome,
        statusCode: a.statusCode,
        responseSnippet: a.responseSnippet,
        error: a.error,
        startedAt: a.startedAt.toISOString(),
      })),
    })),
    auditLog: d.audit.map((a) => ({
      id: a.id,
      action: a.action,
      actorKeyId: a.actorKeyId,
      details: a.details,
      createdAt: a.createdAt.toISOString(),
    })),
    truncated: d.truncated,
  };
}

export function registerExportSubscriber(app: App) {
  app.openapi(exportSubscriberRoute, async (c) => {
    const data = await collectSubjectData(c.var.db, authOf(c).tenantId, c.req.valid('param').externalId);
    if (!data) throw notFound('Subscriber');
    c.header('Content-Disposition', 'attachment; filename="subscriber-export.json"');
    c.header('Cache-Control', 'no-store');
    return c.json(present(data), 200);
  });
}
