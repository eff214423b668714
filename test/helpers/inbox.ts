import { exports } from 'cloudflare:workers';
import { api } from './api';

/** A subscriber token for `externalId` (created if missing). */
export async function inboxToken(key: string, externalId: string, body?: { ttlSeconds?: number; scopes?: string[] }) {
  await api('PUT', `/v1/subscribers/${externalId}`, { key, body: {} });
  const res = await api('POST', `/v1/subscribers/${externalId}/token`, { key, ...(body ? { body } : {}) });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export const asSubscriber = (token: string) => ({ authorization: `Bearer ${token}` });

/** Sends an in_app notification and returns its id. */
export async function sendInApp(key: string, to: string, content: Record<string, unknown>, extra = {}) {
  const res = await api('POST', '/v1/notifications', { key, body: { to, channels: ['in_app'], content, ...extra } });
  if (res.status !== 202) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A real WebSocket to the worker, recording every frame it receives. */
export class InboxSocket {
  readonly frames: any[] = [];
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.frames.push(JSON.parse(e.data as string));
    });
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }

  static async open(query: string, headers: Record<string, string> = {}) {
    const res = await exports.default.fetch(
      new Request(`http://api.test/v1/inbox/ws?${query}`, { headers: { upgrade: 'websocket', ...headers } }),
    );
    if (res.status !== 101 || !res.webSocket) {
      throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
    }
    res.webSocket.accept();
    return Object.assign(new InboxSocket(res.webSocket), { protocol: res.headers.get('sec-websocket-protocol') });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until a frame matching `match` arrived after index `from`; returns it. */
  async next(match: (f: any) => boolean, timeoutMs = 10_000, from = 0) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The latest counts frame. */
  counts() {
    return [...this.frames].reverse().find((f) => f.type === 'counts');
  }

  /** Waits for counts with these values (and returns the frame). */
  countsBecome(unread: number, unseen: number, timeoutMs = 10_000) {
    return this.next((f) => {
      const last = this.counts();
      return f === last && last.unread === unread && last.unseen === unseen;
    }, timeoutMs);
  }

  async waitClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close() {
    try {
      this.ws.close(1000, 'done');
    } catch {
      // already closed
    }
  }
}
