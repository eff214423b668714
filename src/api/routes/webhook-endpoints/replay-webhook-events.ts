import { replay } from '../../../domain/webhooks/manage-endpoints';
import { type App, appContextOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { actorOf } from '../providers/actor';
import { EndpointIdParam, ReplayBody, ReplaySchema } from './schema';

export const replayRoute = operation({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/replay',
  operationId: 'replayWebhookEvents',
  tags: ['Webhooks'],
  summary: 'Re-send the events of a time window (e.g. after an outage)',
  description:
    'Events are kept 30 days. Each is re-sent with its original id, so receivers deduplicate by `webhook-id`. At most 10,000 events per call.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: EndpointIdParam,
    body: jsonBody(ReplayBody, {
      since: '2030-01-15T08:00:00Z',
      until: '2030-01-15T10:00:00Z',
      types: ['delivery.failed'],
    }),
  },
  responses: {
    202: json(ReplaySchema, 'Replay scheduled'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export function registerReplayWebhookEvents(app: App) {
  app.openapi(replayRoute, async (c) => {
    return c.json(await replay(appContextOf(c), actorOf(c), c.req.valid('param').id, c.req.valid('json')), 202);
  });
}
