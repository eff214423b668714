import { getNotification } from '../../../db/queries/notifications';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { NotificationIdParam, NotificationSchema, presentNotification } from './schema';

export const getNotificationRoute = operation({
  method: 'get',
  path: '/v1/notifications/{id}',
  operationId: 'getNotification',
  tags: ['Notifications'],
  summary: 'A notification with its deliveries and every attempt',
  description:
    "Includes each delivery's status, channel, provider and every provider attempt with its outcome, so a failed send can be traced end to end.",
  middleware: [requireScope('read')] as const,
  request: { params: NotificationIdParam },
  responses: { 200: json(NotificationSchema, 'The notification'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetNotification(app: App) {
  app.openapi(getNotificationRoute, async (c) => {
    const found = await getNotification(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!found) throw notFound('Notification');
    return c.json(presentNotification(found.notification, found.deliveries, found.attempts), 200);
  });
}
