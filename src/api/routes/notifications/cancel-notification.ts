import { cancelPendingDeliveries, getNotification } from '../../../db/queries/notifications';
import { ApiError, notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { NotificationIdParam, NotificationSchema, presentNotification } from './schema';

export const cancelNotificationRoute = operation({
  method: 'post',
  path: '/v1/notifications/{id}/cancel',
  operationId: 'cancelNotification',
  tags: ['Notifications'],
  summary: 'Cancel the deliveries that have not started; those already sent stay sent',
  description:
    'Useful for a scheduled send or one still waiting in a queue. Answers with the notification and the state of ' +
    'each delivery after canceling. A notification that has finished (`completed` or `failed`) → 409; canceling a ' +
    'canceled one again answers it as it is.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: NotificationIdParam },
  responses: {
    200: json(NotificationSchema, 'The notification after canceling'),
    ...errorResponses(...AUTHED_ERRORS, 404, 409),
  },
});

export function registerCancelNotification(app: App) {
  app.openapi(cancelNotificationRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const id = c.req.valid('param').id;
    // The update is tenant-scoped, so running it before knowing whether the notification exists is harmless and
    // saves a full read.
    const canceled = await cancelPendingDeliveries(c.var.db, tenantId, id);
    const found = await getNotification(c.var.db, tenantId, id);
    if (!found) throw notFound('Notification');
    const body = presentNotification(found.notification, found.deliveries, found.attempts);
    if (canceled.length === 0 && (body.status === 'completed' || body.status === 'failed')) {
      throw new ApiError('conflict', `Notification already ${body.status}: nothing left to cancel`);
    }
    return c.json(body, 200);
  });
}
