import { DurableObject } from 'cloudflare:workers';
import { createDb } from '../db/client';
import { inboxChangesSince, inboxStatus, markInbox } from '../db/queries/inbox';
import { recordEngagement } from '../domain/analytics/record-engagement';
import { inboxEngagement } from '../domain/inbox/engagement';
import {
  CLOSE_TOKEN_EXPIRED,
  ClientFrame,
  frames,
  type InboxChange,
  type InboxMessageJson,
  PING_FRAME,
  PONG_FRAME,
  presentInboxMessage,
  WS_PROTOCOL,
} from '../domain/inbox/protocol';
import type { AppBindings } from '../env';
import { createLogger } from '../observability/logger';

/** Who a socket belongs to and how far it has been brought (null = its first sync has not run yet). */
interface SocketState {
  tenantId: string;
  subscriberId: string;
  /** Token expiry, epoch seconds: a mark after it closes the socket with 4401. */
  exp: number;
  cursor: number | null;
}

/** The subscriber was deleted while the socket was open: reconnecting will not help. */
const CLOSE_GONE = 4404;

/** Passed by the upgrade route (which has verified the token) in this header. */
export const INBOX_CONNECT_HEADER = 'x-inbox-connect';
export type InboxConnect = Omit<SocketState, 'cursor'> & { since: number | null; subprotocol: boolean };

/**
 * One per tenant + subscriber: holds that subscriber's WebSockets (hibernation API, so idle sockets cost nothing)
 * and relays inbox changes to them. Postgres is the source of truth; this object keeps no data of its own beyond
 * each socket's cursor (in its attachment, which survives hibernation).
 *
 * Exactness: every change carries its stream seq, and work is serialized through one chain, so each socket
 * receives changes strictly in seq order and exactly once. A socket whose cursor is behind the change's first seq
 * (a relay was lost, or two relays crossed) is caught up from Postgres, which includes the change.
 */
export class InboxHub extends DurableObject<AppBindings> {
  #chain: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: AppBindings) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #log() {
    return createLogger({ component: 'inbox-hub' }, 'info');
  }

  override async fetch(request: Request): Promise<Response> {
    const connect = JSON.parse(request.headers.get(INBOX_CONNECT_HEADER) ?? 'null') as InboxConnect | null;
    if (!connect || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade from the inbox route', { status: 400 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const state: SocketState = {
      tenantId: connect.tenantId,
      subscriberId: connect.subscriberId,
      exp: connect.exp,
      cursor: null,
    };
    server.serializeAttachment(state);
    // Queued behind any relay in progress: the first sync reads Postgres after it, so nothing falls in between.
    void this.#serially(() => this.#firstSync(server, connect.since));
    return new Response(null, {
      status: 101,
      webSocket: client,
      ...(connect.subprotocol ? { headers: { 'sec-websocket-protocol': WS_PROTOCOL } } : {}),
    });
  }

  /** RPC from the pipeline and the mark route, after the change committed. */
  async publish(change: InboxChange): Promise<void> {
    await this.#serially(() => this.#relay(change));
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer) {
    if (raw === PING_FRAME) return void ws.send(PONG_FRAME); // only reached when the auto-response is bypassed
    let frame: ClientFrame;
    try {
      const parsed = ClientFrame.safeParse(JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)));
      if (!parsed.success)
        throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      frame = parsed.data;
    } catch (err) {
      return void ws.send(frames.error('invalid_frame', err instanceof Error ? err.message : 'not JSON'));
    }
    if (frame.type === 'ping') return void ws.send(PONG_FRAME);
    const state = ws.deserializeAttachment() as SocketState;
    if (state.exp * 1000 <= Date.now()) return ws.close(CLOSE_TOKEN_EXPIRED, 'token expired');
    if (Boolean(frame.ids) === Boolean(frame.all)) {
      return void ws.send(frames.error('invalid_frame', 'mark needs either ids or all: true'));
    }
    try {
      const target = frame.ids ? { ids: frame.ids } : { all: true as const };
      const db = createDb(this.env);
      const result = await markInbox(db, state.tenantId, state.subscriberId, target, frame.state);
      if (!result) return ws.close(CLOSE_GONE, 'subscriber not found');
      // Engagement after the relay is queued: the sockets must not wait for it.
      const engagement = inboxEngagement(result.ids, frame.state);
      this.ctx.waitUntil(
        recordEngagement({ db, env: this.env, log: this.#log() }, state.tenantId, 'inbox', engagement).catch((err) =>
          this.#log().warn('inbox engagement not recorded', { err }),
        ),
      );
      await this.publish({
        kind: 'updated',
        tenantId: state.tenantId,
        subscriberId: state.subscriberId,
        seq: result.seq,
        counts: result.counts,
        ids: result.ids,
        state: frame.state,
      });
    } catch (err) {
      this.#log().warn('inbox mark failed', { err });
      ws.send(frames.error('unavailable', 'the mark was not saved; try again'));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string) {
    // web_socket_manual_reply_to_close (wrangler.toml): we complete the closing handshake ourselves.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  #sockets(): { ws: WebSocket; state: SocketState }[] {
    return this.ctx.getWebSockets().flatMap((ws) => {
      const state = ws.deserializeAttachment() as SocketState | null;
      return state ? [{ ws, state }] : [];
    });
  }

  async #firstSync(ws: WebSocket, since: number | null) {
    const state = ws.deserializeAttachment() as SocketState;
    try {
      if (since === null) {
        const status = await inboxStatus(createDb(this.env), state.tenantId, state.subscriberId);
        if (!status) return ws.close(CLOSE_GONE, 'subscriber not found');
        send(ws, frames.counts(status.seq, status.counts));
        ws.serializeAttachment({ ...state, cursor: status.seq });
      } else {
        ws.serializeAttachment({ ...state, cursor: since });
        await this.#catchUp([ws], state);
      }
    } catch (err) {
      this.#log().warn('inbox sync failed; closing so the client reconnects', { err });
      ws.close(1011, 'inbox unavailable');
    }
  }

  async #relay(change: InboxChange) {
    const first = change.kind === 'new' ? (change.messages[0]?.seq ?? change.seq) : change.seq;
    const behind: WebSocket[] = [];
    for (const { ws, state } of this.#sockets()) {
      const cursor = state.cursor;
      if (cursor === null || change.seq <= cursor) continue; // not synced yet (its sync reads this), or already sent
      if (first > cursor + 1) {
        behind.push(ws);
        continue;
      }
      if (change.kind === 'new') {
        for (const m of change.messages) if (m.seq > cursor) send(ws, frames.new(m.seq, withoutSeq(m)));
      } else if (change.ids.length) {
        send(ws, frames.marked(change.seq, change.ids, change.state));
      }
      send(ws, frames.counts(change.seq, change.counts));
      ws.serializeAttachment({ ...state, cursor: change.seq });
    }
    if (behind.length) {
      try {
        await this.#catchUp(behind, { tenantId: change.tenantId, subscriberId: change.subscriberId });
      } catch (err) {
        this.#log().warn('inbox catch-up failed; closing the sockets so they reconnect', { err });
        for (const ws of behind) ws.close(1011, 'inbox unavailable');
      }
    }
  }

  /** Brings sockets up to date from Postgres, each from its own cursor: every change after it, once, in order. */
  async #catchUp(sockets: WebSocket[], who: { tenantId: string; subscriberId: string }) {
    const db = createDb(this.env);
    const cursorOf = (ws: WebSocket) => (ws.deserializeAttachment() as SocketState).cursor ?? 0;
    let from = Math.min(...sockets.map(cursorOf));
    for (;;) {
      const page = await inboxChangesSince(db, who.tenantId, who.subscriberId, from);
      for (const ws of sockets) {
        const state = ws.deserializeAttachment() as SocketState;
        let cursor = state.cursor ?? 0;
        for (const m of page.messages) {
          if (m.updatedSeq <= cursor) continue;
          const json = presentInboxMessage(m);
          if (m.seq > cursor) send(ws, frames.new(m.updatedSeq, json));
          else
            send(
              ws,
              frames.updated(m.updatedSeq, [m.id], { seen: json.seen, read: json.read, archived: json.archived }),
            );
          cursor = m.updatedSeq;
        }
        // A cursor ahead of the stream (a client's bogus value) is brought back to it.
        if (!page.more) {
          cursor = page.seq;
          send(ws, frames.counts(cursor, page.counts));
        }
        ws.serializeAttachment({ ...state, cursor });
      }
      if (!page.more) return;
      from = page.messages.at(-1)!.updatedSeq;
    }
  }
}

const withoutSeq = ({ seq: _seq, ...message }: InboxMessageJson & { seq: number }): InboxMessageJson => message;

function send(ws: WebSocket, frame: string) {
  try {
    ws.send(frame);
  } catch {
    // closing or closed: the client reconnects from its cursor
  }
}
