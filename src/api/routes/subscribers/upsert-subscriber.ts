import { upsertSubscriber } from '../../../db/queries/subscribers';
import { ApiError } from '../../../errors';
import { newId } from '../../../lib/ids';
import { urlPolicyFor } from '../../../lib/ssrf-guard';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import {
  channelUrlProblems,
  ExternalIdParam,
  presentSubscriber,
  SubscriberSchema,
  UpsertSubscriberBody,
} from './schema';

export const upsertSubscriberRoute = operation({
  method: 'put',
  path: '/v1/subscribers/{externalId}',
  operationId: 'upsertSubscriber',
  tags: ['Subscribers'],
  summary: 'Create or update a subscriber by your own user id',
  description:
    'Merges: fields present overwrite (null clears), absent fields are kept. 201 when created, 200 when updated.',
  middleware: [requireScope('subscribers:write')] as const,
  request: {
    params: ExternalIdParam,
    body: jsonBody(UpsertSubscriberBody, {
      email: 'kim@acme.test',
      phone: '+14155550123',
      name: 'Kim Lee',
      locale: 'en-US',
      timezone: 'America/Los_Angeles',
      data: { plan: 'pro' },
    }),
  },
  responses: {
    200: json(SubscriberSchema, 'Updated'),
    201: json(SubscriberSchema, 'Created'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS),
  },
});

export function registerUpsertSubscriber(app: App) {
  app.openapi(upsertSubscriberRoute, async (c) => {
    const { externalId } = c.req.valid('param');
    const fields = c.req.valid('json');
    const problems = channelUrlProblems(fields.channels, urlPolicyFor(c.var.config), 'body');
    if (problems.length) throw new ApiError('validation_failed', 'Request validation failed', problems);
    const { subscriber, created } = await upsertSubscriber(
      c.var.db,
      authOf(c).tenantId,
      externalId,
      newId('sub'),
      fields,
    );
    return created ? c.json(presentSubscriber(subscriber), 201) : c.json(presentSubscriber(subscriber), 200);
  });
}
