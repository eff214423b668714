import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { markInbox } from '../../src/db/queries/inbox';
import { api, createTenant, expectEnvelope, testDb } from '../helpers/api';
import { asSubscriber, InboxSocket, inboxToken, sendInApp } from '../helpers/inbox';

/** Waits until the subscriber's inbox holds `n` messages (the consumer stores them in the background). */
async function inboxHolds(token: string, n: number) {
  for (let i = 0; i < 300; i++) {
    const feed = await api('GET', '/v1/inbox?status=all&limit=100', { headers: asSubscriber(token) });
    if (feed.body.data?.length === n) return feed.body.data as any[];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`inbox never held ${n} messages`);
}

describe('inbox: feed API', () => {
  it('filters by status and category, pages newest first, and hides archived messages by default', async () => {
    const t = await createTenant('feed');
    const token = await inboxToken(t.key, 'kim');
    const me = asSubscriber(token);
    for (const [title, category] of [
      ['one', 'billing'],
      ['two', 'social'],
      ['three', 'billing'],
    ] as const) {
      await sendInApp(t.key, 'kim', { title }, { category });
    }
    const all = await inboxHolds(token, 3);
    expect(all.map((m) => m.title)).toEqual(['three', 'two', 'one']);
    const [three, two, one] = all.map((m) => m.id);

    await api('POST', '/v1/inbox/mark', { headers: me, body: { ids: [one], state: 'archived' } });
    await api('POST', '/v1/inbox/mark', { headers: me, body: { ids: [two], state: 'read' } });
    await api('POST', '/v1/inbox/mark', { headers: me, body: { ids: [three], state: 'seen' } });
    const titles = async (query: string) =>
      (await api('GET', `/v1/inbox?${query}`, { headers: me })).body.data.map((m: any) => m.title);
    expect(await titles('')).toEqual(['three', 'two']);
    expect(await titles('status=archived')).toEqual(['one']);
    expect(await titles('status=unread')).toEqual(['three']);
    expect(await titles('status=unseen')).toEqual([]);
    expect(await titles('status=read')).toEqual(['two']);
    expect(await titles('category=billing')).toEqual(['three']);
    const page1 = await api('GET', '/v1/inbox?limit=1', { headers: me });
    expect(page1.body.data.map((m: any) => m.title)).toEqual(['three']);
    expect(await titles(`limit=1&after=${page1.body.next}`)).toEqual(['two']);
    // Flags are separate: read implied seen; archiving touched neither.
    const archived = (await api('GET', '/v1/inbox?status=archived', { headers: me })).body.data[0];
    expect(archived).toMatchObject({ archived: true, read: false, seen: false });
    expect(await api('GET', '/v1/inbox/counts', { headers: me })).toMatchObject({
      status: 200,
      body: { unread: 1, unseen: 0 },
    });

    // The tenant sees the same inbox with its API key.
    const tenantView = await api('GET', '/v1/subscribers/kim/inbox?status=archived', { key: t.key });
    expect(tenantView.body.data.map((m: any) => m.title)).toEqual(['one']);

    expectEnvelope(await api('GET', '/v1/inbox?status=deleted', { headers: me }), 422, 'validation_failed');
    expectEnvelope(
      await api('POST', '/v1/inbox/mark', { headers: me, body: { ids: [one], all: true, state: 'read' } }),
      422,
      'validation_failed',
    );
    expectEnvelope(await api('POST', '/v1/inbox/mark', { headers: me, body: { all: true } }), 422, 'validation_failed');
  });

  it('a template with an in_app part reaches the inbox by default, its actionUrl rendered and checked', async () => {
    const t = await createTenant('feed-template');
    const token = await inboxToken(t.key, 'kim');
    await api('PUT', '/v1/subscribers/kim', { key: t.key, body: { email: 'kim@example.test' } });
    const template = {
      key: 'invoice',
      name: 'Invoice',
      defaultLocale: 'en',
      locales: {
        en: {
          email: { subject: 'Invoice {{ n }}', text: 'Paid' },
          in_app: { title: 'Invoice {{ n }} paid', actionUrl: '{{ url }}' },
        },
      },
    };
    expect((await api('POST', '/v1/templates', { key: t.key, body: template })).status).toBe(201);
    await api('POST', '/v1/templates/invoice/publish', { key: t.key });
    const sent = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'kim', template: 'invoice', data: { n: 42, url: 'https://app.test/i/42' } },
    });
    expect(sent.status).toBe(202);
    const [message] = await inboxHolds(token, 1);
    expect(message).toMatchObject({ title: 'Invoice 42 paid', actionUrl: 'https://app.test/i/42', data: { n: 42 } });
    const n = await api('GET', `/v1/notifications/${sent.body.id}`, { key: t.key });
    expect(n.body.deliveries.map((d: any) => d.channel).sort()).toEqual(['email', 'in_app']);

    // A URL rendered from data into something else fails that delivery instead of linking to it.
    const bad = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'kim', template: 'invoice', channels: ['in_app'], data: { n: 1, url: 'javascript:alert(1)' } },
    });
    for (let i = 0; i < 200; i++) {
      const d = (await api('GET', `/v1/notifications/${bad.body.id}`, { key: t.key })).body.deliveries[0];
      if (d.status === 'failed') {
        expect(d.lastError.code).toBe('render_error');
        break;
      }
      if (i === 199) throw new Error(`delivery not failed: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await inboxHolds(token, 1)).toHaveLength(1);
  });

  it('a socket that missed a relay is caught up from Postgres at the next change', async () => {
    const t = await createTenant('feed-gap');
    const token = await inboxToken(t.key, 'kim');
    const socket = await InboxSocket.open(`token=${token}`);
    await socket.next((f) => f.type === 'counts');
    await sendInApp(t.key, 'kim', { title: 'first' });
    const first = await socket.next((f) => f.type === 'message.new');
    // A change committed without a relay (as if the Inbox object had been unreachable).
    await markInbox(testDb(), t.tenantId, decodeJwt(token).sub!, { ids: [first.message.id] }, 'read');
    await sendInApp(t.key, 'kim', { title: 'second' });
    expect(await socket.next((f) => f.type === 'counts' && f.cursor === 3)).toMatchObject({ unread: 1, unseen: 1 });
    const frames = socket.frames.filter((f) => f.type !== 'counts');
    expect(frames.map((f) => [f.type, f.cursor])).toEqual([
      ['message.new', 1],
      ['message.updated', 2],
      ['message.new', 3],
    ]);
    socket.close();
  });
});

describe('inbox: who may read it', () => {
  it('refuses missing, forged, alg:none, expired, under-scoped and relabelled tokens on every inbox route', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const good = await inboxToken(a.key, 'kim');
    const claims = decodeJwt(good);
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const none = new UnsecuredJWT({ ...claims }).encode();
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const bToken = await inboxToken(b.key, 'kim');
    const [h, , sig] = bToken.split('.');
    const relabelled = `${h}.${btoa(JSON.stringify({ ...decodeJwt(bToken), tid: a.tenantId }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')}.${sig}`;
    const prefsOnly = await inboxToken(a.key, 'kim', { scopes: ['preferences'] });

    for (const token of [forged, none, expired, relabelled, 'not-a-jwt']) {
      expectEnvelope(await api('GET', '/v1/inbox', { headers: asSubscriber(token) }), 401, 'invalid_api_key');
      expectEnvelope(await api('GET', '/v1/inbox/counts', { headers: asSubscriber(token) }), 401, 'invalid_api_key');
      expectEnvelope(
        await api('POST', '/v1/inbox/mark', { headers: asSubscriber(token), body: { all: true, state: 'read' } }),
        401,
        'invalid_api_key',
      );
      expectEnvelope(
        await api('GET', `/v1/inbox/ws?token=${token}`, { headers: { upgrade: 'websocket' } }),
        401,
        'invalid_api_key',
      );
    }
    expectEnvelope(await api('GET', '/v1/inbox', { headers: asSubscriber(prefsOnly) }), 403, 'insufficient_scope');
    expectEnvelope(
      await api('GET', `/v1/inbox/ws?token=${prefsOnly}`, { headers: { upgrade: 'websocket' } }),
      403,
      'insufficient_scope',
    );
    expectEnvelope(await api('GET', '/v1/inbox'), 401, 'missing_api_key');
    expectEnvelope(await api('GET', '/v1/inbox/ws', { headers: { upgrade: 'websocket' } }), 401, 'missing_api_key');
    expectEnvelope(await api('GET', `/v1/inbox/ws?token=${good}`), 426, 'upgrade_required');
    // An API key is not a subscriber token.
    expectEnvelope(await api('GET', '/v1/inbox', { key: a.key }), 401, 'invalid_api_key');
  });

  it("another tenant's key or token never opens or changes this inbox", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const aToken = await inboxToken(a.key, 'kim');
    await sendInApp(a.key, 'kim', { title: 'for A kim' });
    const [message] = await inboxHolds(aToken, 1);

    // Tenant B has no kim: 404 on the tenant route.
    expectEnvelope(await api('GET', '/v1/subscribers/kim/inbox', { key: b.key }), 404, 'not_found');
    // B's own kim is someone else: B's token sees B's (empty) inbox and cannot mark A's message.
    const bToken = await inboxToken(b.key, 'kim');
    expect((await api('GET', '/v1/inbox', { headers: asSubscriber(bToken) })).body.data).toEqual([]);
    const bMark = await api('POST', '/v1/inbox/mark', {
      headers: asSubscriber(bToken),
      body: { ids: [message.id], state: 'archived' },
    });
    expect(bMark.body).toMatchObject({ updated: 0, unread: 0 });
    const bSocket = await InboxSocket.open(`token=${bToken}&since=0`);
    expect(await bSocket.next((f) => f.type === 'counts')).toMatchObject({ unread: 0, unseen: 0 });
    expect(bSocket.frames.filter((f) => f.type === 'message.new')).toEqual([]);
    bSocket.close();
    expect((await api('GET', '/v1/inbox/counts', { headers: asSubscriber(aToken) })).body).toMatchObject({
      unread: 1,
    });
    expect((await api('GET', '/v1/subscribers/kim/inbox', { key: a.key })).body.data[0].archived).toBe(false);

    // A deleted subscriber's token reads nothing.
    expect((await api('DELETE', '/v1/subscribers/kim', { key: a.key })).status).toBe(204);
    expectEnvelope(await api('GET', '/v1/inbox', { headers: asSubscriber(aToken) }), 404, 'not_found');
    expectEnvelope(
      await api('POST', '/v1/inbox/mark', { headers: asSubscriber(aToken), body: { all: true, state: 'read' } }),
      404,
      'not_found',
    );
  });
});

describe('inbox: from other origins', () => {
  it('answers the CORS preflight and tags responses, so the SDK works from a tenant’s own site', async () => {
    const preflight = await api('OPTIONS', '/v1/inbox/mark', {
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const t = await createTenant('cors');
    const token = await inboxToken(t.key, 'kim');
    const res = await api('GET', '/v1/inbox/counts', {
      headers: { ...asSubscriber(token), origin: 'https://app.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // Only the inbox: tenant routes take API keys, which never belong in a browser.
    const tenantRoute = await api('GET', '/v1/subscribers', { key: t.key, headers: { origin: 'https://app.example' } });
    expect(tenantRoute.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('inbox: a subscriber deleted before the delivery', () => {
  it('ends the in_app delivery sent without an inbox row, and the rest of the batch is unaffected', async () => {
    const t = await createTenant('deleted-before');
    const token = await inboxToken(t.key, 'gone');
    await inboxToken(t.key, 'stays');
    const sent = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: ['gone', 'stays'],
        channels: ['in_app'],
        content: { title: 'Hi' },
        sendAt: new Date(Date.now() + 3000).toISOString(),
      },
    });
    expect(sent.status).toBe(202);
    expect((await api('DELETE', '/v1/subscribers/gone', { key: t.key })).status).toBe(204);
    const stays = await inboxToken(t.key, 'stays');
    await inboxHolds(stays, 1);
    expectEnvelope(await api('GET', '/v1/inbox', { headers: asSubscriber(token) }), 404, 'not_found');
  });
});
