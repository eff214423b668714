import { z } from '@hono/zod-openapi';
import { getNotification, rescheduleQueued } from '../../../db/queries/notifications';
import type { Channel, Priority } from '../../../db/schema';
import { sendAtProblem } from '../../../domain/notifications/send-request';
import { ApiError, notFound } from '../../../errors';
import { ENQUEUE_AHEAD_SECONDS } from '../../../lib/queue-limits';
import { secondsUntil } from '../../../lib/seconds-until';
import { enqueueDeliveries } from '../../../queues/enqueue-deliveries';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { NotificationIdParam, NotificationSchema, presentNotification } from './schema';

const RescheduleBody = z
  .object({ sendAt: z.iso.datetime({ offset: true }) })
  .strict()
  .superRefine((b, ctx) => {
    const problem = sendAtProblem(b.sendAt);
    if (problem) ctx.addIssue({ code: 'custom', path: ['sendAt'], message: problem });
  })
  .openapi('RescheduleNotificationRequest');

export const rescheduleNotificationRoute = operation({
  method: 'post',
  path: '/v1/notifications/{id}/reschedule',
  operationId: 'rescheduleNotification',
  tags: ['Notifications'],
  summary: 'Move the deliveries that have not gone out yet to a new time',
  description: 'Works until it fires; 409 when nothing is left to move (already sent or canceled).',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: NotificationIdParam, body: jsonBody(RescheduleBody, { sendAt: '2030-01-15T09:00:00Z' }) },
  responses: {
    200: json(NotificationSchema, 'The notification after rescheduling'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export function registerRescheduleNotification(app: App) {
  app.openapi(rescheduleNotificationRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const { id } = c.req.valid('param');
    const { sendAt } = c.req.valid('json');
    const moved = await rescheduleQueued(c.var.db, tenantId, id, sendAt);
    if (moved.length && Date.parse(sendAt) <= Date.now() + ENQUEUE_AHEAD_SECONDS * 1000) {
      // Marked enqueued above; if this send fails the cron re-sends it (queued, long past due).
      await enqueueDeliveries(
        c.env,
        moved.map((d) => ({
          tenantId,
          deliveryId: d.id,
          priority: d.priority as Priority,
          channel: d.channel as Channel,
          delaySeconds: secondsUntil(sendAt),
        })),
      );
    }
    const found = await getNotification(c.var.db, tenantId, id);
    if (!found) throw notFound('Notification');
    if (moved.length === 0)
      throw new ApiError('conflict', 'Nothing left to reschedule: its deliveries have started or ended');
    return c.json(presentNotification(found.notification, found.deliveries, found.attempts), 200);
  });
}
