/**
 * The outgoing event catalogue (docs/webhooks.md documents each payload). Payload version 1:
 * `{ type, id, version: 1, createdAt, data }`; a breaking change to a payload would ship as a new version.
 */
export const EVENT_TYPES = [
  'notification.accepted',
  'delivery.sent',
  'delivery.delivered',
  'delivery.failed',
  'delivery.bounced',
  'delivery.suppressed',
  'delivery.dead_lettered',
  'delivery.opened',
  'delivery.clicked',
  'delivery.complained',
  'subscriber.unsubscribed',
  'webhook_endpoint.disabled',
  'usage.budget_warning',
  'usage.budget_exceeded',
  'provider.misconfigured',
  'workflow_run.completed',
  'workflow_run.failed',
  'workflow_run.canceled',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Endpoints may subscribe to these; `webhook.test` is only ever sent by the test call. */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== 'webhook.test');

export const PAYLOAD_VERSION = 1;

/** Events are kept this long: the window a replay can reach back into. */
export const EVENT_RETENTION_DAYS = 30;

export interface StoredEvent {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** The exact bytes sent (and signed) for an event: the same on every attempt and every replay. */
export function eventBody(event: StoredEvent): string {
  return JSON.stringify({
    type: event.type,
    id: event.id,
    version: PAYLOAD_VERSION,
    createdAt: event.createdAt,
    data: event.data,
  });
}
