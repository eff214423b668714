import { z } from 'zod';

/**
 * Queue message shapes (documented in docs/queue-messages.md). Messages carry ids only: the database is the
 * source of truth, so a message can be redelivered, duplicated or replayed without carrying stale content.
 * `v` versions the shape; a consumer accepts every version still in flight.
 */
export const DeliverMessageV1 = z.object({
  v: z.literal(1),
  type: z.literal('deliver'),
  tenantId: z.string(),
  deliveryId: z.string(),
  /** The accepting request (optional: older messages and cron re-sends lack it; the row has it too). */
  requestId: z.string().optional(),
});

export type DeliverMessage = z.infer<typeof DeliverMessageV1>;

/** One event for one endpoint (notify-webhooks queue); the row in webhook_messages holds its state. */
export const WebhookMessageV1 = z.object({
  v: z.literal(1),
  type: z.literal('webhook'),
  tenantId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
});

export type WebhookMessage = z.infer<typeof WebhookMessageV1>;

/** The next chunk of a broadcast's fan-out (notify-fanout queue). */
export const FanoutMessageV1 = z.object({
  v: z.literal(1),
  type: z.literal('fanout'),
  tenantId: z.string(),
  broadcastId: z.string(),
});

export type FanoutMessage = z.infer<typeof FanoutMessageV1>;

/**
 * Advance one workflow run (notify-workflows, or its timer lane notify-workflow-timers); the run's row says which
 * step and whether it is due.
 */
export const WorkflowMessageV1 = z.object({
  v: z.literal(1),
  type: z.literal('workflow'),
  tenantId: z.string(),
  runId: z.string(),
  /** A wake's due time to the millisecond: queue delays are whole seconds, the consumer holds the rest. */
  wakeAt: z.iso.datetime({ offset: true }).optional(),
});

export type WorkflowMessage = z.infer<typeof WorkflowMessageV1>;

export const QueueMessage = z.discriminatedUnion('type', [DeliverMessageV1]);
export type QueueMessage = z.infer<typeof QueueMessage>;

export const deliverMessage = (tenantId: string, deliveryId: string, requestId?: string): DeliverMessage => ({
  v: 1,
  type: 'deliver',
  tenantId,
  deliveryId,
  ...(requestId ? { requestId } : {}),
});
