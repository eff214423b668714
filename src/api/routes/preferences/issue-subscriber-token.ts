import { createRoute, z } from '@hono/zod-openapi';
import { getSubscriber } from '../../../db/queries/subscribers';
import { issueSubscriberToken } from '../../../domain/subscribers/subscriber-token';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { ExternalIdParam } from '../subscribers/schema';
import { TokenBody } from './schema';

export const issueSubscriberTokenRoute = createRoute({
  method: 'post',
  path: '/v1/subscribers/{externalId}/token',
  tags: ['Preferences'],
  summary: 'Issue a short-lived subscriber token (JWT) for your front end',
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: {
    params: ExternalIdParam,
    body: { required: false, content: { 'application/json': { schema: TokenBody } } },
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
