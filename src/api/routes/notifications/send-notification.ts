import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { startBroadcast } from '../../../domain/broadcasts/start-broadcast';
import { acceptNotifications } from '../../../domain/notifications/accept';
import { isTopicSend, SendNotificationBody } from '../../../domain/notifications/send-request';
import { urlPolicyFor } from '../../../lib/ssrf-guard';
import { type App, type AppEnv, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { BroadcastSchema, presentBroadcast } from '../broadcasts/schema';
import { AcceptedNotificationSchema, presentAccepted } from './schema';

export const sendNotificationRoute = operation({
  method: 'post',
  path: '/v1/notifications',
  operationId: 'sendNotification',
  tags: ['Notifications'],
  summary: 'Send a notification to one or more recipients',
  description:
    'Accepted notifications are durable before the 202: each delivery is then sent, retried, or visibly failed. ' +
    'Supports Idempotency-Key.',
  middleware: [requireScope('notifications:write')] as const,
  request: {
    body: jsonBody(SendNotificationBody, {
      to: 'user-42',
      template: 'welcome',
      data: { name: 'Kim' },
      channels: ['email', 'in_app'],
      category: 'account',
    }),
  },
  responses: {
    202: json(
      z.union([AcceptedNotificationSchema, BroadcastSchema]),
      'Accepted: the notification, or for `to: { topic }` the broadcast that fans it out',
    ),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409),
  },
});

export const acceptContext = (c: Context<AppEnv>) => {
  const auth = authOf(c);
  return {
    db: c.var.db,
    env: c.env,
    log: c.var.log,
    tenantId: auth.tenantId,
    mode: auth.mode,
    urlPolicy: urlPolicyFor(c.var.config),
    trace: { requestId: c.var.requestId, traceparent: c.var.traceparent },
  };
};

export function registerSendNotification(app: App) {
  app.openapi(sendNotificationRoute, async (c) => {
    const req = c.req.valid('json');
    if (isTopicSend(req)) {
      const broadcast = await startBroadcast(acceptContext(c), req);
      return c.json(presentBroadcast(broadcast!), 202);
    }
    const [result] = await acceptNotifications(acceptContext(c), [req]);
    if (!result!.ok) throw result!.error;
    return c.json(presentAccepted(result!.planned), 202);
  });
}
