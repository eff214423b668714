import { decodeJwt } from 'jose';
import { inboxObjectName, WS_PROTOCOL } from '../../../domain/inbox/protocol';
import { verifySubscriberToken } from '../../../domain/subscribers/subscriber-token';
import { INBOX_CONNECT_HEADER, type InboxConnect } from '../../../durable-objects/inbox-hub';
import { ApiError } from '../../../errors';
import type { App } from '../../context';
import type { Access } from '../../middleware/access';
import { limitSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { SocketQuery } from './schema';

/** Browsers cannot set Authorization on a WebSocket, so the handler checks the token itself (below). */
const SOCKET_ACCESS: Access = {
  security: [{ SubscriberTokenQuery: [] }],
  scope: 'inbox',
  line: 'Required scope: `inbox` (a subscriber token, as `?token=` or the second subprotocol).',
  idempotent: false,
};

export const connectInboxSocketRoute = operation({
  method: 'get',
  path: '/v1/inbox/ws',
  operationId: 'connectInboxSocket',
  tags: ['Inbox'],
  summary: 'Live inbox over a WebSocket',
  description:
    'Upgrade with the subscriber token as `?token=` or in `Sec-WebSocket-Protocol: notifykit-inbox, <token>`. Protocol: docs/inbox.md.',
  access: SOCKET_ACCESS,
  request: { query: SocketQuery },
  responses: {
    101: { description: 'Switching protocols' },
    ...errorResponses(...AUTHED_ERRORS, 404, 422, 426, 429),
  },
});

/** `notifykit-inbox, <token>` → the token; the subprotocol route lets browsers keep the token out of URLs and logs. */
function tokenFromSubprotocol(header: string | undefined) {
  const offered = (header ?? '').split(',').map((p) => p.trim());
  return offered[0] === WS_PROTOCOL && offered[1] ? offered[1] : null;
}

export function registerConnectInboxSocket(app: App) {
  app.openapi(connectInboxSocketRoute, async (c) => {
    const query = c.req.valid('query');
    const fromProtocol = tokenFromSubprotocol(c.req.header('sec-websocket-protocol'));
    const token = fromProtocol ?? query.token;
    if (!token) {
      throw new ApiError(
        'missing_api_key',
        `Send the subscriber token as ?token= or as the ${WS_PROTOCOL} subprotocol`,
      );
    }
    const claims = await verifySubscriberToken(c.var.db, c.var.config, token);
    // The same budget as the subscriber's other requests, so reconnect loops cannot hammer the inbox object.
    await limitSubscriber(c, claims.subscriberId);
    if (!claims.scopes.includes('inbox'))
      throw new ApiError('insufficient_scope', "This token lacks the 'inbox' scope");
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError('upgrade_required', 'This endpoint speaks WebSocket: send Upgrade: websocket');
    }
    const connect: InboxConnect = {
      tenantId: claims.tenantId,
      subscriberId: claims.subscriberId,
      exp: Number(decodeJwt(token).exp),
      since: query.since ?? null,
      subprotocol: fromProtocol !== null,
    };
    const headers = new Headers(c.req.raw.headers);
    headers.set(INBOX_CONNECT_HEADER, JSON.stringify(connect));
    const stub = c.env.INBOX.getByName(inboxObjectName(claims.tenantId, claims.subscriberId));
    return stub.fetch(new Request(c.req.raw.url, { headers })) as unknown as Response;
  });
}
