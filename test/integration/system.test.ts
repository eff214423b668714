import { describe, expect, it } from 'vitest';
import { api, expectEnvelope } from '../helpers/api';

describe('system routes', () => {
  it('GET /health answers without touching the database', async () => {
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /ready pings the database', async () => {
    const res = await api('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  it('unknown routes get the 404 envelope', async () => {
    const error = expectEnvelope(await api('GET', '/v1/nope'), 404, 'route_not_found');
    expect(error.message).toContain('/v1/nope');
  });

  it('echoes a sane client X-Request-Id and replaces an unsafe one', async () => {
    const mine = await api('GET', '/health', { headers: { 'x-request-id': 'client-abc.123' } });
    expect(mine.headers.get('x-request-id')).toBe('client-abc.123');
    const unsafe = await api('GET', '/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^req_[0-9a-z]{26}$/);
  });

  it('serves an OpenAPI 3.1 document covering every /v1 route, and the docs page', async () => {
    const doc = await api('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tenants',
        '/v1/api-keys',
        '/v1/api-keys/{id}',
        '/v1/api-keys/{id}/roll',
        '/v1/subscribers',
        '/v1/subscribers/{externalId}',
      ]),
    );
    expect(doc.body.components.securitySchemes.ApiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const docs = await api('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.body).toContain('/openapi.json');
  });
});
