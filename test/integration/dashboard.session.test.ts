import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { apiKeys } from '../../src/db/schema';
import { issueDashboardSession, SESSION_TTL_SECONDS } from '../../src/domain/dashboard/session';
import { loadConfig } from '../../src/env';
import { api, createKey, createTenant, expectEnvelope, type TestTenant, testDb, testEnv } from '../helpers/api';

const ORIGIN = 'http://api.test'; // the origin test/helpers/api.ts calls the worker on

async function signIn(apiKey: string) {
  const res = await api('POST', '/dashboard/session', { body: { apiKey }, headers: { origin: ORIGIN } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const token = /^nk_session=([^;]+)/.exec(setCookie)?.[1];
  expect(token).toBeTruthy();
  return { res, setCookie, token: token!, cookie: `nk_session=${token}` };
}

/** A call carrying only the session cookie (no Authorization header), as the dashboard page makes it. */
const withCookie = (cookie: string, method: string, path: string, body?: unknown, origin: string | null = ORIGIN) =>
  api(method, path, { body, headers: { cookie, ...(origin ? { origin } : {}) } });

/** The app called directly (no redirect is followed), optionally with other bindings. */
async function callApp(req: Request, env = testEnv) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(req, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function sendOne(t: TestTenant) {
  const res = await api('POST', '/v1/notifications', {
    key: t.key,
    body: { to: { email: 'ada@example.test' }, content: { subject: 'Hi', text: 'Hello' } },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe('dashboard sign-in and session cookie', () => {
  it('sign-in sets an 8 h HttpOnly SameSite=Strict cookie holding a dashboard JWT, never the key', async () => {
    const t = await createTenant('Acme <Shop>');
    const { res, setCookie, token } = await signIn(t.key);
    expect(setCookie).toBe(`nk_session=${token}; Max-Age=${8 * 3600}; Path=/; HttpOnly; SameSite=Strict`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The names are for the page's header, the ids for tools.
    expect(res.body).toMatchObject({
      tenantId: t.tenantId,
      tenantName: 'Acme <Shop>',
      keyId: t.keyId,
      keyName: 'Default test key',
      mode: 'test',
      scopes: ['admin'],
    });
    const expiresIn = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(SESSION_TTL_SECONDS * 1000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(SESSION_TTL_SECONDS * 1000);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ tid: t.tenantId, sub: t.keyId, aud: 'dashboard', iss: 'notifykit' });
    expect(claims.exp! - claims.iat!).toBe(SESSION_TTL_SECONDS);
    expect(JSON.stringify(res.body) + setCookie).not.toContain(t.key);

    // An HTML form (no script) gets a redirect back to the page.
    const form = await callApp(
      new Request(`${ORIGIN}/dashboard/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ apiKey: t.key }).toString(),
      }),
    );
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/dashboard');
    expect(form.headers.get('set-cookie')).toMatch(
      /^nk_session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=28800; Path=\/; HttpOnly/,
    );
  });

  it('adds Secure in production', async () => {
    const t = await createTenant();
    const res = await callApp(
      new Request(`${ORIGIN}/dashboard/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: t.key }),
      }),
      { ...testEnv, ENVIRONMENT: 'production', ALLOW_PRIVATE_WEBHOOK_TARGETS: 'off' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('refuses bad keys with the envelope and sets no cookie', async () => {
    const t = await createTenant();
    const post = (body: unknown) => api('POST', '/dashboard/session', { body });
    const cases = [
      [await post({ apiKey: 'nk_test_not-a-key' }), 401, 'invalid_api_key'],
      [await post({ apiKey: `${t.key.slice(0, -1)}${t.key.endsWith('a') ? 'b' : 'a'}` }), 401, 'invalid_api_key'],
      [await post({}), 422, 'validation_failed'],
      [await post({ apiKey: 42 }), 422, 'validation_failed'],
      [
        await api('POST', '/dashboard/session', { rawBody: '{', headers: { 'content-type': 'application/json' } }),
        400,
        'invalid_json',
      ],
      [
        await api('POST', '/dashboard/session', { rawBody: t.key, headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported_media_type',
      ],
    ] as const;
    for (const [res, status, code] of cases) {
      expectEnvelope(res, status, code);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // A revoked key.
    const fresh = await createKey(t, ['read']);
    expect((await api('DELETE', `/v1/api-keys/${fresh.keyId}`, { key: t.key })).status).toBeLessThan(300);
    expectEnvelope(await post({ apiKey: fresh.key }), 401, 'api_key_revoked');
    // A key that cannot read would sign in to a page of errors.
    const writer = await createKey(t, ['notifications:write']);
    expectEnvelope(await post({ apiKey: writer.key }), 403, 'insufficient_scope');
    // Another site's form posting a key (login CSRF).
    expectEnvelope(
      await api('POST', '/dashboard/session', { body: { apiKey: t.key }, headers: { origin: 'https://evil.test' } }),
      403,
      'origin_not_allowed',
    );
  });

  it('the cookie authenticates /v1 calls as its key, with its scopes', async () => {
    const t = await createTenant();
    const id = await sendOne(t);
    const { cookie } = await signIn(t.key);
    const list = await withCookie(cookie, 'GET', '/v1/notifications');
    expect(list.status).toBe(200);
    expect(list.body.data.map((n: { id: string }) => n.id)).toEqual([id]);
    expect(list.headers.get('ratelimit-limit')).toBeTruthy(); // the key's own rate limit applies
    expect((await withCookie(cookie, 'GET', `/v1/notifications/${id}`)).body.id).toBe(id);
    expect((await withCookie(cookie, 'GET', '/dashboard/session')).body).toMatchObject({
      tenantId: t.tenantId,
      tenantName: 'Test tenant',
      keyId: t.keyId,
      keyName: 'Default test key',
    });
    // Same-origin writes work (the dashboard's Replay button).
    const replay = await withCookie(cookie, 'POST', '/v1/dead-letters/replay', { ids: ['dlv_nothing'] });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ replayed: 0, ids: [], more: false });

    // A read-only key's session reads but cannot write.
    const reader = await createKey(t, ['read']);
    const readerSession = await signIn(reader.key);
    expect((await withCookie(readerSession.cookie, 'GET', '/v1/dead-letters')).status).toBe(200);
    expectEnvelope(
      await withCookie(readerSession.cookie, 'POST', '/v1/dead-letters/replay', { ids: ['dlv_x'] }),
      403,
      'insufficient_scope',
    );

    // An Authorization header wins over the cookie, exactly as before sessions existed.
    expectEnvelope(
      await api('GET', '/v1/notifications', { headers: { cookie, authorization: 'Bearer nope' } }),
      401,
      'invalid_api_key',
    );
    expectEnvelope(await api('GET', '/v1/notifications'), 401, 'missing_api_key');
  });

  it('revoking the key (or its roll grace ending) ends the session', async () => {
    const t = await createTenant();
    const reader = await createKey(t, ['read']);
    const { cookie } = await signIn(reader.key);
    expect((await withCookie(cookie, 'GET', '/v1/notifications')).status).toBe(200);
    expect((await api('DELETE', `/v1/api-keys/${reader.keyId}`, { key: t.key })).status).toBeLessThan(300);
    expectEnvelope(await withCookie(cookie, 'GET', '/v1/notifications'), 401, 'api_key_revoked');

    const rolled = await createKey(t, ['read']);
    const second = await signIn(rolled.key);
    expect((await api('POST', `/v1/api-keys/${rolled.keyId}/roll`, { key: t.key })).status).toBe(201);
    expect((await withCookie(second.cookie, 'GET', '/v1/notifications')).status).toBe(200); // grace period
    await testDb()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, rolled.keyId));
    expectEnvelope(await withCookie(second.cookie, 'GET', '/v1/notifications'), 401, 'api_key_expired');
  });

  it('refuses forged, expired, alg:none, re-labelled and non-dashboard tokens, and clears the cookie', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const { token } = await signIn(a.key);
    const claims = decodeJwt(token);
    const refused = async (value: string) => {
      const res = await withCookie(`nk_session=${value}`, 'GET', '/v1/notifications');
      expectEnvelope(res, 401, 'invalid_api_key');
      expect(res.headers.get('set-cookie')).toBe('nk_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    };

    await refused(
      await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('x'.repeat(32))),
    );
    await refused(new UnsecuredJWT({ ...claims }).encode());
    await refused('not.a.jwt');
    await refused('garbage');
    // Signed with A's real secret, but 9 hours ago: expired.
    const config = loadConfig(testEnv);
    const old = await issueDashboardSession(
      testDb(),
      config,
      { tenantId: a.tenantId, keyId: a.keyId },
      Date.now() - 9 * 3600_000,
    );
    await refused(old.token);
    // B's session re-labelled as A's tenant: A's secret rejects B's signature.
    const bSession = await signIn(b.key);
    const [head, , sig] = bSession.token.split('.');
    const body = btoa(JSON.stringify({ ...decodeJwt(bSession.token), tid: a.tenantId }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    await refused(`${head}.${body}.${sig}`);
    // A subscriber token of tenant A (same secret, no audience) is not a session.
    await api('PUT', '/v1/subscribers/kim', { key: a.key, body: {} });
    const subscriberToken = (await api('POST', '/v1/subscribers/kim/token', { key: a.key })).body.token;
    await refused(subscriberToken);
    // A genuine A session naming B's key id finds no such key in tenant A.
    const crossKey = await issueDashboardSession(testDb(), config, { tenantId: a.tenantId, keyId: b.keyId });
    expectEnvelope(
      await withCookie(`nk_session=${crossKey.token}`, 'GET', '/v1/notifications'),
      401,
      'invalid_api_key',
    );
    // And a session is not a subscriber token.
    expectEnvelope(
      await api('GET', '/v1/me/preferences', { headers: { authorization: `Bearer ${token}` } }),
      401,
      'invalid_api_key',
    );
  });

  it('a cookie-authenticated write from another origin (or with no Origin) is refused: CSRF', async () => {
    const t = await createTenant();
    const { cookie } = await signIn(t.key);
    const body = { to: { email: 'ada@example.test' }, content: { subject: 'x', text: 'y' } };
    for (const origin of ['https://evil.test', 'http://api.test:8080', 'null']) {
      expectEnvelope(await withCookie(cookie, 'POST', '/v1/notifications', body, origin), 403, 'origin_not_allowed');
    }
    expectEnvelope(await withCookie(cookie, 'POST', '/v1/notifications', body, null), 403, 'origin_not_allowed');
    expectEnvelope(
      await withCookie(cookie, 'DELETE', `/v1/api-keys/${t.keyId}`, undefined, 'https://evil.test'),
      403,
      'origin_not_allowed',
    );
    expect((await api('GET', '/v1/notifications', { key: t.key })).body.data).toEqual([]); // nothing was sent
    // Reads carry no Origin and change nothing; the same write from the page itself goes through.
    expect((await withCookie(cookie, 'GET', '/v1/notifications', undefined, null)).status).toBe(200);
    expect((await withCookie(cookie, 'POST', '/v1/notifications', body)).status).toBe(202);
    // Bearer callers are not browsers with ambient credentials: Origin is not their concern.
    const bearer = await api('POST', '/v1/notifications', {
      key: t.key,
      body,
      headers: { origin: 'https://elsewhere.test' },
    });
    expect(bearer.status).toBe(202);
  });

  it("another tenant's session never sees this tenant's data", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const id = await sendOne(a);
    const bSession = await signIn(b.key);
    expectEnvelope(await withCookie(bSession.cookie, 'GET', `/v1/notifications/${id}`), 404, 'not_found');
    expect((await withCookie(bSession.cookie, 'GET', '/v1/notifications')).body.data).toEqual([]);
    expect((await withCookie(bSession.cookie, 'GET', '/v1/sandbox/messages')).body.data).toEqual([]);
  });

  it('logout clears the cookie', async () => {
    const res = await api('POST', '/dashboard/logout', { headers: { origin: ORIGIN } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toBe('nk_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    expectEnvelope(
      await api('POST', '/dashboard/logout', { headers: { origin: 'https://evil.test' } }),
      403,
      'origin_not_allowed',
    );
  });
});

describe('dashboard page', () => {
  it('serves the page with a strict CSP and no framing, and its module as text', async () => {
    const page = await api<string>('GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    expect(page.body).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(page.body).toContain('action="/dashboard/session"');

    const js = await api<string>('GET', '/dashboard/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain("api('/v1/dead-letters/replay'");
    expect(js.body).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/); // data only as text
  });
});
