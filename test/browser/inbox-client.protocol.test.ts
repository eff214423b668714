// The browser client (src/inbox-client/inbox.js) in real chromium against a scripted stand-in for the server side
// of docs/inbox.md, so reconnects, cursors, token refresh and the exact client frames are checked without a Worker.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { launchChromium } from './chromium';

const CLIENT = fs.readFileSync('src/inbox-client/inbox.js', 'utf8'); // vitest runs from the project root

const PAGE = `<!doctype html><meta charset="utf-8"><div id="bell" style="margin-left:400px"></div>
<script type="module">
  import { mountInbox } from '/sdk/inbox.js';
  window.tokenCalls = 0;
  window.inbox = mountInbox(document.getElementById('bell'), {
    baseUrl: location.origin,
    token: async () => 'tok' + ++window.tokenCalls,
  });
</script>`;

const message = (id: string, createdAt: string, extra: object = {}) => ({
  id,
  notificationId: `ntf_${id}`,
  title: `Title ${id}`,
  body: `Body ${id}`,
  actionUrl: null,
  data: null,
  category: null,
  createdAt,
  seenAt: null,
  readAt: null,
  archivedAt: null,
  seen: false,
  read: false,
  archived: false,
  ...extra,
});

interface Connection {
  socket: WebSocket;
  since: string | null;
  token: string;
  received: string[];
}

/** Just enough of the inbox API to script a session: one page, counts, and sockets the test drives. */
function startStandIn() {
  const expired = new Set<string>();
  const connections: Connection[] = [];
  const httpCalls: { path: string; token: string }[] = [];
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => 'notifykit-inbox' });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/page') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname === '/sdk/inbox.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(CLIENT);
    httpCalls.push({ path: `${url.pathname}${url.search}`, token });
    if (expired.has(token)) return json(401, { error: { code: 'invalid_api_key', message: 'expired' } });
    if (url.pathname === '/v1/inbox') {
      return json(200, { data: [message('dlv_1', '2026-01-01T10:00:00.000Z')], nextCursor: null, streamCursor: 5 });
    }
    if (url.pathname === '/v1/inbox/counts') return json(200, { unread: 1, unseen: 1, streamCursor: 5 });
    json(404, { error: { code: 'route_not_found', message: 'no' } });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [protocol, token = ''] = (req.headers['sec-websocket-protocol'] ?? '').split(/\s*,\s*/);
    if (url.pathname !== '/v1/inbox/ws' || protocol !== 'notifykit-inbox' || expired.has(token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: Connection = { socket: ws, since: url.searchParams.get('since'), token, received: [] };
      ws.on('message', (data) => {
        const text = data.toString();
        connection.received.push(text);
        if (text === '{"type":"ping"}') ws.send('{"type":"pong"}');
      });
      connections.push(connection);
    });
  });
  return new Promise<{
    base: string;
    expired: Set<string>;
    connections: Connection[];
    httpCalls: typeof httpCalls;
    close(): Promise<void>;
  }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        expired,
        connections,
        httpCalls,
        close: async () => {
          for (const c of wss.clients) c.terminate();
          server.closeAllConnections();
          await new Promise((r) => server.close(r));
        },
      });
    });
  });
}

describe('inbox browser client against a scripted server', () => {
  let browser: Browser;
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  let page: Page;
  const send = (c: Connection, frame: object) => c.socket.send(JSON.stringify(frame));
  const lastConnection = () => standIn.connections.at(-1)!;
  // Reconnects wait out a jittered backoff (up to 1 s by the second failure).
  const waitForConnections = (n: number) => expect.poll(() => standIn.connections.length, { timeout: 5000 }).toBe(n);
  const badge = () => page.locator('[data-inbox-badge]');

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.close();
    await standIn?.close();
  });

  async function openPage() {
    standIn = await startStandIn();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${standIn.base}/page`);
    await waitForConnections(1);
    return errors;
  }

  it('loads a page, connects from its cursor, applies frames, and sends the documented mark frames', async () => {
    const errors = await openPage();
    expect(standIn.httpCalls[0]).toEqual({ path: '/v1/inbox?limit=20', token: 'tok1' });
    const first = lastConnection();
    expect(first).toMatchObject({ since: '5', token: 'tok1' });

    send(first, { type: 'counts', cursor: 5, unread: 1, unseen: 1 });
    await expect.poll(() => badge().textContent()).toBe('1');
    await expect.poll(() => badge().isVisible()).toBe(true);

    // Text is text: markup in a title must not become elements.
    const hostile = '<img src=x onerror="window.pwned=1">Invoice <b>paid</b>';
    send(first, {
      type: 'message.new',
      cursor: 6,
      message: message('dlv_2', '2026-01-02T10:00:00.000Z', { title: hostile }),
    });
    send(first, { type: 'counts', cursor: 6, unread: 2, unseen: 2 });
    await expect.poll(() => badge().textContent()).toBe('2');

    await page.click('[data-inbox-bell]');
    const items = page.locator('[data-inbox-item]');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.nth(0).getAttribute('data-id')).toBe('dlv_2'); // newest first
    expect(await items.nth(0).locator('.nk-inbox__title').textContent()).toBe(hostile);
    expect(await page.locator('[data-inbox] img, [data-inbox] b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).pwned)).toBeUndefined();
    // Opening the list marks what it shows as seen, once.
    await expect.poll(() => first.received).toEqual(['{"type":"mark","ids":["dlv_2","dlv_1"],"state":"seen"}']);

    await items.nth(0).click();
    await expect.poll(() => first.received.at(-1)).toBe('{"type":"mark","ids":["dlv_2"],"state":"read"}');
    send(first, { type: 'message.updated', cursor: 7, ids: ['dlv_2'], changes: { seen: true, read: true } });
    send(first, { type: 'counts', cursor: 7, unread: 1, unseen: 0 });
    await expect.poll(() => badge().textContent()).toBe('1');
    expect(await items.nth(0).getAttribute('data-inbox-unread')).toBeNull();
    expect(await items.nth(1).getAttribute('data-inbox-unread')).toBe('');

    await page.click('[data-inbox-mark-all]');
    await expect.poll(() => first.received.at(-1)).toBe('{"type":"mark","all":true,"state":"read"}');
    send(first, { type: 'message.updated', cursor: 8, ids: ['dlv_1'], changes: { read: true, seen: true } });
    send(first, { type: 'counts', cursor: 8, unread: 0, unseen: 0 });
    await expect.poll(() => badge().isVisible()).toBe(false);
    expect(await page.evaluate(() => (globalThis as any).inbox.counts())).toEqual({ unread: 0, unseen: 0 });
    expect(errors).toEqual([]);
  });

  it('reconnects from the last cursor, and asks for a new token after 4401 or a refused upgrade', async () => {
    await openPage();
    const first = lastConnection();
    send(first, { type: 'message.new', cursor: 6, message: message('dlv_2', '2026-01-02T10:00:00.000Z') });
    send(first, { type: 'counts', cursor: 6, unread: 2, unseen: 2 });
    await expect.poll(() => badge().textContent()).toBe('2');

    // A server error: same token, resumes after the last change it applied.
    first.socket.close(1011);
    await waitForConnections(2);
    expect(lastConnection()).toMatchObject({ since: '6', token: 'tok1' });

    // Token expired on an open socket: the token function is asked again.
    send(lastConnection(), { type: 'counts', cursor: 9, unread: 0, unseen: 0 });
    await expect.poll(() => badge().isVisible()).toBe(false);
    lastConnection().socket.close(4401);
    await waitForConnections(3);
    expect(lastConnection()).toMatchObject({ since: '9', token: 'tok2' });

    // Expired while disconnected: the upgrade is refused (a browser cannot see why), an HTTP call answers 401,
    // the client takes a new token and connects with it.
    send(lastConnection(), { type: 'counts', cursor: 9, unread: 0, unseen: 0 });
    await page.waitForTimeout(100); // applied: the client counts this socket as healthy (backoff reset)
    standIn.expired.add('tok2');
    lastConnection().socket.close(1011);
    await waitForConnections(4);
    expect(lastConnection()).toMatchObject({ since: '9', token: 'tok3' });
    expect(standIn.httpCalls.map((c) => `${c.path} ${c.token}`)).toContain('/v1/inbox/counts tok2');
    expect(await page.evaluate(() => (globalThis as any).tokenCalls)).toBe(3);
  });

  it('pings with the exact bytes the runtime auto-responds to, every 30 s', async () => {
    standIn = await startStandIn();
    page = await browser.newPage();
    await page.clock.install();
    await page.goto(`${standIn.base}/page`);
    await waitForConnections(1);
    // A frame applied means the client's socket is open, so its ping timer is running.
    send(lastConnection(), { type: 'counts', cursor: 5, unread: 1, unseen: 1 });
    await expect.poll(() => badge().textContent()).toBe('1');
    await page.clock.runFor(29_000);
    expect(lastConnection().received).toEqual([]);
    await page.clock.runFor(2_000);
    await expect.poll(() => lastConnection().received).toEqual(['{"type":"ping"}']);
  });
});
