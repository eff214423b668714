import { z } from '@hono/zod-openapi';
import { listNotifications } from '../../../db/queries/notifications';
import { CHANNELS, DELIVERY_STATUSES } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { NotificationListItemSchema, presentListItem } from './schema';

const ListQuery = pageQuery('ntf').extend({
  status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: 'Having a delivery in this status' }),
  channel: z.enum(CHANNELS).optional().openapi({ description: 'Having a delivery on this channel' }),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created at or after' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Created at or before' }),
});

export const listNotificationsRoute = operation({
  method: 'get',
  path: '/v1/notifications',
  operationId: 'listNotifications',
  tags: ['Notifications'],
  summary: 'List notifications, newest first',
  description:
    'Pages with a cursor; filter by delivery status, channel or creation time to find a send without knowing its id.',
  middleware: [requireScope('read')] as const,
  request: { query: ListQuery },
  responses: {
    200: json(pageOf(NotificationListItemSchema), 'A page of notifications'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListNotifications(app: App) {
  app.openapi(listNotificationsRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listNotifications(
      c.var.db,
      authOf(c).tenantId,
      {
        status: q.status,
        channel: q.channel,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      q,
    );
    const data = page.data.map((n) =>
      presentListItem(
        n,
        page.deliveries.filter((d) => d.notificationId === n.id).map(({ notificationId: _, ...d }) => d),
      ),
    );
    return c.json({ data, next: page.next }, 200);
  });
}
