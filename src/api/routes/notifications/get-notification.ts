import { createRoute } from '@hono/zod-openapi';
import { getNotification } from '../../../db/queries/notifications';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { NotificationIdParam, NotificationSchema, presentNotification } from './schema';

export const getNotificationRoute = createRoute({
  method: 'get',
  path: '/v1/notifications/{id}',
  tags: ['Notifications'],
  summary: 'A notification with its deliveries and every attempt',
  security: bearerSecurity,
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
