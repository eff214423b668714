import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope } from '../helpers/api';

describe('subscriber validation', () => {
  it.each([
    ['email', { email: 'nope' }],
    ['phone', { phone: '415-555-0123' }],
    ['timezone', { timezone: 'EST' }],
    ['timezone', { timezone: 'Mars/Base' }],
    ['locale', { locale: 'not a locale!' }],
    ['name', { name: 'x'.repeat(201) }],
    ['data', { data: { blob: 'x'.repeat(17 * 1024) } }],
    ['data', { data: ['not', 'an', 'object'] }],
    ['channels', { channels: { webhookUrl: 'ftp://files.example.test/x' } }],
    ['channels', { channels: { pushTokens: [{ provider: 'carrier-pigeon', token: 't' }] } }],
    ['unknownField', { unknownField: 1 }],
  ])('422 names body.%s', async (field, body) => {
    const t = await createTenant();
    const error = expectEnvelope(await api('PUT', '/v1/subscribers/u', { key: t.key, body }), 422, 'validation_failed');
    expect(error.details!.some((d) => d.path?.startsWith('body') && JSON.stringify(d).includes(field))).toBe(true);
    expect((await api('GET', '/v1/subscribers/u', { key: t.key })).status).toBe(404);
  });

  it('422 for an externalId over 255 characters or with control characters', async () => {
    const t = await createTenant();
    const long = await api('PUT', `/v1/subscribers/${'a'.repeat(256)}`, { key: t.key, body: {} });
    expect(expectEnvelope(long, 422, 'validation_failed').details![0]!.path).toBe('param.externalId');
    const ctrl = await api('PUT', `/v1/subscribers/${encodeURIComponent('a\u0001b')}`, { key: t.key, body: {} });
    expectEnvelope(ctrl, 422, 'validation_failed');
  });

  it('422 for bad list parameters', async () => {
    const t = await createTenant();
    expectEnvelope(await api('GET', '/v1/subscribers?limit=0', { key: t.key }), 422, 'validation_failed');
    expectEnvelope(await api('GET', '/v1/subscribers?limit=abc', { key: t.key }), 422, 'validation_failed');
    expectEnvelope(await api('GET', '/v1/subscribers?after=bogus', { key: t.key }), 422, 'validation_failed');
  });

  it('malformed JSON and wrong content type on PUT', async () => {
    const t = await createTenant();
    expectEnvelope(
      await api('PUT', '/v1/subscribers/u', {
        key: t.key,
        rawBody: '{',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_json',
    );
    expectEnvelope(
      await api('PUT', '/v1/subscribers/u', { key: t.key, rawBody: 'x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
  });
});
