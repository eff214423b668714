import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWrangler, type TestWrangler } from '../helpers/test-wrangler';

const PORT = 8796;
const BASE = `http://127.0.0.1:${PORT}`;
const BODY_TEXT = 'Your one-time code is 918273';

describe('request id and trace across every hop', () => {
  let wrangler: TestWrangler;
  const received: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    wrangler = startTestWrangler(PORT, {
      LOG_LEVEL: 'info',
      ALLOW_PRIVATE_WEBHOOK_TARGETS: 'on',
      PUBLIC_BASE_URL: BASE,
    });
    await wrangler.ready;
  }, 60_000);

  afterAll(async () => {
    await wrangler?.stop();
    receiver.close();
  });

  async function call(method: string, urlPath: string, bearer?: string, body?: unknown, headers = {}) {
    const res = await fetch(BASE + urlPath, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  it('API → queue → provider → webhook: the same request id on every log line, the caller’s trace on every call, no secret anywhere', async () => {
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const signup = await call('POST', '/v1/tenants', undefined, {
      name: 'Trace',
      email: `trace-${Date.now()}@example.test`,
    });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    const live = await call('POST', '/v1/api-keys', signup.body.apiKey.key, {
      name: 'live',
      mode: 'live',
      scopes: ['admin'],
    });
    const endpoint = await call('POST', '/v1/webhook-endpoints', live.body.key, {
      url: `${receiverUrl}/events`,
      events: ['delivery.sent'],
    });
    expect(endpoint.status).toBe(201);

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const requestId = `trace-${Date.now()}`;
    const sent = await call(
      'POST',
      '/v1/notifications',
      live.body.key,
      { to: { webhookUrl: `${receiverUrl}/recipient` }, content: { body: BODY_TEXT } },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': requestId },
    );
    expect(sent.status).toBe(202);
    expect(sent.headers.get('x-request-id')).toBe(requestId);
    expect(sent.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !received.some((r) => r.path === '/events')) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const recipientCall = received.find((r) => r.path === '/recipient');
    const eventCall = received.find((r) => r.path === '/events');
    expect(recipientCall, 'the provider call').toBeDefined();
    expect(eventCall, 'the webhook event').toBeDefined();
    // Each outgoing call is a new span of the caller's trace.
    for (const r of [recipientCall!, eventCall!]) {
      expect(r.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }

    // Give the last log lines a moment to flush, then read every JSON line wrangler printed.
    await new Promise((r) => setTimeout(r, 500));
    const lines = wrangler
      .output()
      .split('\n')
      .map((l) => l.slice(l.indexOf('{')))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      })
      .filter((l) => typeof l.level === 'string' && typeof l.msg === 'string');
    const ours = lines.filter((l) => l.requestId === requestId);
    const hop = (msg: string) => ours.find((l) => l.msg === msg);
    expect(hop('request'), 'the API access line').toMatchObject({ path: '/v1/notifications', status: 202 });
    expect(hop('delivery sent'), 'the consumer').toMatchObject({
      notificationId: sent.body.id,
      provider: 'webhook',
      tenantId: signup.body.tenant.id,
    });
    expect(hop('webhook delivered'), 'the outgoing webhook').toMatchObject({
      eventType: 'delivery.sent',
      notificationId: sent.body.id,
    });

    // Nothing secret or private in the whole log: keys, the webhook secret, the message body.
    for (const secret of [signup.body.apiKey.key, live.body.key, endpoint.body.secret, BODY_TEXT]) {
      expect(wrangler.output().includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
    }
  }, 60_000);
});
