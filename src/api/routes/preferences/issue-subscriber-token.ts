import { z } from '@hono/zod-openapi';
import { getSubscriber } from '../../../db/queries/subscribers';
import { issueSubscriberToken } from '../../../domain/subscribers/subscriber-token';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, optionalJsonBody } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam } from '../subscribers/schema';
import { TokenBody } from './schema';

export const issueSubscriberTokenRoute = operation({
  method: 'post',
  path: '/v1/subscribers/{externalId}/token',
  operationId: 'issueSubscriberToken',
  tags: ['Preferences'],
  summary: 'Issue a short-lived subscriber token (JWT) for your front end',
  description:
    'Mint it on your server and hand it to the browser or app: it lets that one subscriber read their inbox and manage their preferences, nothing else.',
  middleware: [requireScope('subscribers:write')] as const,
  request: {
    params: ExternalIdParam,
    body: optionalJsonBody(TokenBody, { ttlSeconds: 900, scopes: ['inbox'] }),
  },
  responses: {
    201: json(z.object({ token: z.string(), expiresAt: z.iso.datetime() }).openapi('SubscriberToken'), 'Issued'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404),
  },
});

export function registerIssueSubscriberToken(app: App) {
  app.openapi(issueSubscriberTokenRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const sub = await getSubscriber(c.var.db, tenantId, c.req.valid('param').externalId);
    if (!sub) throw notFound('Subscriber');
    const raw = await c.req.text();
    const parsed = TokenBody.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw validationError(parsed.error, 'json');
    const issued = await issueSubscriberToken(
      c.var.db,
      c.var.config,
      { tenantId, subscriberId: sub.id, externalId: sub.externalId, scopes: parsed.data.scopes },
      parsed.data.ttlSeconds,
    );
    return c.json(issued, 201);
  });
}
