import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope } from '../helpers/api';
import { asSubscriber, inboxToken } from '../helpers/inbox';

/**
 * Issue 19, item 8: a wrong method on a real path is 405 `method_not_allowed` with `Allow` (derived from the route
 * table); an unknown path stays 404; `/v1/me/*` answers browsers on other origins the way `/v1/inbox*` does.
 */

const PAGE = 'https://app.example';

describe('405 method_not_allowed', () => {
  it('DELETE on a GET-only path is 405 naming the methods the path has; an unknown path stays 404', async () => {
    const t = await createTenant('405');
    const res = await api('DELETE', '/v1/audit-log', { key: t.key });
    const error = expectEnvelope(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(error.message).toContain('DELETE');
    // A path no route has is still a 404, whatever the method.
    for (const method of ['GET', 'DELETE', 'POST']) {
      const missing = await api(method, '/v1/no-such-thing', { key: t.key });
      expectEnvelope(missing, 404, 'route_not_found');
      expect(missing.headers.get('allow')).toBeNull();
    }
    expectEnvelope(await api('GET', '/v1/subscribers/kim/nope', { key: t.key }), 404, 'route_not_found');
  });

  it('lists every method a path has, with path parameters and on routes outside the OpenAPI document', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/v1/subscribers/kim', 'GET, HEAD, PUT, DELETE'],
      ['PATCH', '/v1/api-keys', 'GET, HEAD, POST'],
      ['GET', '/v1/inbox/mark', 'POST'],
      ['PUT', '/dashboard/session', 'GET, HEAD, POST'],
      ['POST', '/health', 'GET, HEAD'],
      ['DELETE', '/docs', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await api(method, path);
      expectEnvelope(res, 405, 'method_not_allowed');
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });

  it('every method the OpenAPI document lists for a path is in its Allow header', async () => {
    const doc = (await api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const problems: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      const documented = Object.keys(ops).map((m) => m.toUpperCase());
      const wrong = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].find((m) => !documented.includes(m));
      if (!wrong) continue;
      const path = template.replace(/\{[^}]+\}/g, 'x');
      const res = await api(wrong, path);
      // Another route may own this method on the same concrete path (GET /v1/notifications/bulk is GET …/{id}).
      if (res.status !== 404 && res.status !== 405) continue;
      const allow = res.headers.get('allow')?.split(', ') ?? [];
      if (res.status !== 405 || documented.some((m) => !allow.includes(m))) {
        problems.push(`${wrong} ${template}: ${res.status}, Allow ${allow.join(',')}; documented ${documented}`);
      }
    }
    expect(Object.keys(doc.paths).length).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});

describe('CORS for /v1/me/*, as for /v1/inbox*', () => {
  it('answers a preflight from another origin for the subscriber’s preferences', async () => {
    const res = await api('OPTIONS', '/v1/me/preferences', {
      headers: {
        origin: PAGE,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,PUT');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/content-type/);
  });

  it('a page on another origin reads and writes preferences with a subscriber token', async () => {
    const t = await createTenant('cors me');
    const token = await inboxToken(t.key, 'kim');
    const read = await api('GET', '/v1/me/preferences', { headers: { ...asSubscriber(token), origin: PAGE } });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    const saved = await api('PUT', '/v1/me/preferences', {
      headers: { ...asSubscriber(token), origin: PAGE },
      body: { channels: { sms: false } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.headers.get('access-control-allow-origin')).toBe('*');
    // A refusal is readable by the page too, so its script can tell a 401 from a network failure.
    const refused = await api('GET', '/v1/me/preferences', { headers: { origin: PAGE } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('the inbox preflight names its real methods; tenant routes get no CORS at all', async () => {
    const inbox = await api('OPTIONS', '/v1/inbox/mark', {
      headers: { origin: PAGE, 'access-control-request-method': 'POST' },
    });
    expect(inbox.status).toBe(204);
    expect(inbox.headers.get('access-control-allow-methods')).toBe('POST');
    const tenant = await api('OPTIONS', '/v1/subscribers', {
      headers: { origin: PAGE, 'access-control-request-method': 'GET' },
    });
    expect(tenant.headers.get('access-control-allow-origin')).toBeNull();
    expectEnvelope(tenant, 405, 'method_not_allowed');
  });
});
