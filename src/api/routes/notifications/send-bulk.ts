import { z } from '@hono/zod-openapi';
import { acceptNotifications } from '../../../domain/notifications/accept';
import { SendNotificationBody, type SendNotificationRequest } from '../../../domain/notifications/send-request';
import { ApiError, errorEnvelope } from '../../../errors';
import type { App } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, ErrorSchema, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { AcceptedNotificationSchema, presentAccepted } from './schema';
import { acceptContext } from './send-notification';

export const MAX_BULK_ITEMS = 1000;
/** Bounds the work of one request however the items fan out. */
export const MAX_BULK_DELIVERIES = 10_000;

const BulkBody = z
  .object({
    notifications: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BULK_ITEMS)
      .openapi({ description: `1–${MAX_BULK_ITEMS} SendNotificationRequest objects, each validated on its own` }),
  })
  .strict()
  .openapi('BulkSendRequest');

const BulkResult = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        notification: AcceptedNotificationSchema.optional(),
        error: ErrorSchema.shape.error.optional(),
      }),
    ),
  })
  .openapi('BulkSendResponse');

export const sendBulkRoute = operation({
  method: 'post',
  path: '/v1/notifications/bulk',
  operationId: 'sendBulk',
  tags: ['Notifications'],
  summary: `Send up to ${MAX_BULK_ITEMS} notifications in one request, with a result per item`,
  description: 'Valid items are accepted even when others are rejected. One round of database writes for all.',
  middleware: [requireScope('notifications:write')] as const,
  request: {
    body: jsonBody(BulkBody, {
      notifications: [
        { to: 'user-42', template: 'welcome', data: { name: 'Kim' } },
        { to: 'user-43', template: 'welcome', data: { name: 'Sam' } },
      ],
    }),
  },
  responses: { 202: json(BulkResult, 'Per-item results'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerSendBulk(app: App) {
  app.openapi(sendBulkRoute, async (c) => {
    const items = c.req.valid('json').notifications;
    const started = Date.now();
    const results: z.infer<typeof BulkResult>['results'] = new Array(items.length);
    const valid: { index: number; req: SendNotificationRequest }[] = [];
    let fanOut = 0;
    items.forEach((item, index) => {
      const parsed = SendNotificationBody.safeParse(item);
      if (parsed.success) {
        valid.push({ index, req: parsed.data });
        const to = parsed.data.to;
        fanOut += (Array.isArray(to) ? to.length : 1) * (parsed.data.channels?.length ?? 2);
      } else {
        results[index] = { index, error: errorEnvelope(validationError(parsed.error, 'json'), c.var.requestId).error };
      }
    });
    if (fanOut > MAX_BULK_DELIVERIES) {
      throw new ApiError(
        'validation_failed',
        `A bulk request may fan out to at most ${MAX_BULK_DELIVERIES} deliveries`,
      );
    }
    c.var.log.debug('bulk validated', { items: items.length, validateMs: Date.now() - started });
    const accepted = await acceptNotifications(
      acceptContext(c),
      valid.map((v) => v.req),
    );
    accepted.forEach((r, i) => {
      const index = valid[i]!.index;
      results[index] = r.ok
        ? { index, notification: presentAccepted(r.planned) }
        : { index, error: errorEnvelope(r.error, c.var.requestId).error };
    });
    const ok = results.filter((r) => r.notification).length;
    return c.json({ accepted: ok, rejected: results.length - ok, results }, 202);
  });
}
