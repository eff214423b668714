import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { type ApiResponse, api, createTenant, testEnv } from '../helpers/api';
import { inboxToken } from '../helpers/inbox';
import { endpointUrl, uniqueName } from '../helpers/stand-ins';

/**
 * Security headers (issue 19, item 7): responses carrying a secret are never stored by a cache, no response is
 * content-sniffed, HSTS only in production, and the pages we serve allow this origin only.
 */

const secretText = (res: ApiResponse) => JSON.stringify(res.body);

function expectPrivate(res: ApiResponse, what: string) {
  expect(res.status, `${what}: ${secretText(res)}`).toBeLessThan(300);
  expect(res.headers.get('cache-control'), what).toBe('no-store');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
}

describe('responses that carry a secret', () => {
  it('signup, key create and roll, subscriber token, webhook secret and rotation, inbound-hook URLs: no-store', async () => {
    const signup = await api('POST', '/v1/tenants', {
      body: { name: 'Headers', email: `${crypto.randomUUID()}@example.test` },
    });
    expectPrivate(signup, 'POST /v1/tenants');
    expect(secretText(signup)).toMatch(/nk_test_/);
    const key = signup.body.apiKey.key as string;

    const created = await api('POST', '/v1/api-keys', { key, body: { name: 'live', mode: 'live', scopes: ['admin'] } });
    expectPrivate(created, 'POST /v1/api-keys');
    expect(secretText(created)).toMatch(/nk_live_/);

    const rolled = await api('POST', `/v1/api-keys/${created.body.id}/roll`, { key });
    expectPrivate(rolled, 'POST /v1/api-keys/{id}/roll');
    expect(secretText(rolled)).toMatch(/nk_live_/);

    await api('PUT', '/v1/subscribers/kim', { key, body: {} });
    const token = await api('POST', '/v1/subscribers/kim/token', { key, body: { ttlSeconds: 600 } });
    expectPrivate(token, 'POST /v1/subscribers/{externalId}/token');
    expect(typeof token.body.token).toBe('string');

    const endpoint = await api('POST', '/v1/webhook-endpoints', { key, body: { url: endpointUrl(uniqueName('hdr')) } });
    expectPrivate(endpoint, 'POST /v1/webhook-endpoints');
    expect(secretText(endpoint)).toMatch(/whsec_/);
    const rotated = await api('POST', `/v1/webhook-endpoints/${endpoint.body.id}/rotate-secret`, { key });
    expectPrivate(rotated, 'POST /v1/webhook-endpoints/{id}/rotate-secret');
    expect(secretText(rotated)).toMatch(/whsec_/);

    // The receipt URLs hold the tenant's inbound token: a GET that returns a secret, too.
    const hooks = await api('GET', '/v1/inbound-hooks', { key });
    expectPrivate(hooks, 'GET /v1/inbound-hooks');
    const hookRotated = await api('POST', '/v1/inbound-hooks/rotate-token', { key });
    expectPrivate(hookRotated, 'POST /v1/inbound-hooks/rotate-token');
    expect(secretText(hookRotated)).not.toBe(secretText(hooks));
  });
});

describe('every API response', () => {
  it('every GET of the OpenAPI document, answered or refused: nosniff, and no-store under /v1', async () => {
    const t = await createTenant('headers sweep');
    const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const problems: string[] = [];
    let checked = 0;
    for (const [template, ops] of Object.entries(doc.paths)) {
      if (!('get' in ops) || template === '/v1/inbox/ws') continue;
      const path = template.replace(/\{[^}]+\}/g, 'missing');
      for (const key of [t.key, undefined]) {
        const res = await api('GET', path, { key });
        checked++;
        if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push(`${path} ${res.status}: nosniff`);
        if (path.startsWith('/v1/') && res.headers.get('cache-control') !== 'no-store') {
          problems.push(`${path} ${res.status}: cache-control ${res.headers.get('cache-control')}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  });

  it('errors outside the documented routes (404, 405, 415) are nosniff too', async () => {
    for (const [method, path, opts] of [
      ['GET', '/nope', {}],
      ['DELETE', '/health', {}],
      ['POST', '/v1/tenants', { rawBody: '<x/>', headers: { 'content-type': 'text/xml' } }],
    ] as const) {
      const res = await api(method, path, opts);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
    }
  });
});

describe('Strict-Transport-Security', () => {
  async function callAs(environment: string, path: string) {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(
      new Request(`http://api.test${path}`),
      { ...testEnv, ENVIRONMENT: environment },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it('is sent in production, on answers and on errors alike; not in test or development', async () => {
    for (const path of ['/health', '/openapi.json', '/v1/subscribers', '/nope']) {
      const res = await callAs('production', path);
      expect(res.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
    }
    // Dev and tests speak plain http on 127.0.0.1, where the header means nothing.
    for (const environment of ['test', 'development']) {
      const res = await callAs(environment, '/health');
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security'), environment).toBeNull();
    }
    expect((await api('GET', '/docs')).headers.get('strict-transport-security')).toBeNull();
  });
});

/** The CSP's directives as a map, e.g. `script-src` → ["'self'"]. */
function csp(res: ApiResponse): Map<string, string[]> {
  const header = res.headers.get('content-security-policy');
  expect(header, 'content-security-policy').not.toBeNull();
  return new Map(
    header!.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

/** No host, scheme-wide or wildcard source: nothing but this origin (and data: images, hashes, inline styles). */
function expectSelfOnly(policy: Map<string, string[]>, page: string) {
  expect(policy.get('default-src'), page).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors'), page).toEqual(["'none'"]);
  for (const [directive, sources] of policy) {
    for (const source of sources) {
      const allowed = /^'(self|none|unsafe-inline|sha256-[A-Za-z0-9+/=]+)'$/.test(source) || source === 'data:';
      expect(allowed, `${page}: ${directive} ${source}`).toBe(true);
    }
  }
  expect(policy.get('script-src'), page).toContain("'self'");
  expect(policy.get('script-src'), page).not.toContain("'unsafe-inline'");
}

describe('Content-Security-Policy of the pages', () => {
  it('/docs, /dashboard and /demo/inbox allow this origin only', async () => {
    for (const page of ['/docs', '/dashboard', '/demo/inbox']) {
      const res = await api<string>('GET', page);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type'), page).toBe('text/html; charset=utf-8');
      expectSelfOnly(csp(res), page);
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), page).toBe('nosniff');
    }
    expect(csp(await api('GET', '/docs')).get('script-src')).toEqual(["'self'"]);
  });

  it("the inbox demo's inline script is allowed by its hash, and nothing else inline", async () => {
    const page = await api<string>('GET', '/demo/inbox');
    const inline = [...page.body.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(inline[0]));
    const hash = `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
    expect(csp(page).get('script-src')).toEqual(["'self'", hash]);
  });
});

describe('subscriber pages reach their routes with a token, never a cookie', () => {
  it('inbox responses from another origin carry CORS and the security headers', async () => {
    const t = await createTenant('headers inbox');
    const token = await inboxToken(t.key, 'kim');
    const res = await api('GET', '/v1/inbox/counts', {
      headers: { authorization: `Bearer ${token}`, origin: 'https://app.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
