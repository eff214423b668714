import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope } from '../helpers/api';

/**
 * Input that would be stored as something other than what the client sent, or as an id a URL or a screen cannot
 * show faithfully, is refused: lone UTF-16 surrogates in any JSON string, invalid percent-encoding in a path, and
 * client-chosen ids outside the id alphabet (docs/decisions.md, "Client-chosen ids").
 */

const json = { 'content-type': 'application/json' };

describe('lone UTF-16 surrogates', () => {
  it('anywhere in a JSON body (value or key, any depth) → 422 naming the field; nothing stored', async () => {
    const t = await createTenant();
    const cases: [string, string, string][] = [
      ['/v1/subscribers/s1', '{"name":"a\\ud800b"}', 'body.name'],
      ['/v1/subscribers/s1', '{"data":{"list":["ok","\\udc00"]}}', 'body.data.list.1'],
      ['/v1/subscribers/s1', '{"data":{"k\\udbff":1}}', 'body.data.k\ufffd'],
    ];
    for (const [path, rawBody, field] of cases) {
      const error = expectEnvelope(
        await api('PUT', path, { key: t.key, rawBody, headers: json }),
        422,
        'validation_failed',
      );
      expect(error.details).toEqual([expect.objectContaining({ path: field, code: 'invalid_unicode' })]);
    }
    expectEnvelope(await api('GET', '/v1/subscribers/s1', { key: t.key }), 404, 'not_found');

    const send = await api('POST', '/v1/notifications', {
      key: t.key,
      rawBody: '{"to":{"email":"a@example.test"},"content":{"subject":"\\ud83d","text":"x"}}',
      headers: json,
    });
    expect(expectEnvelope(send, 422, 'validation_failed').details![0]!.path).toBe('body.content.subject');

    // A surrogate pair written as two escapes is one real character, and is kept.
    const res = await api('PUT', '/v1/subscribers/s2', {
      key: t.key,
      rawBody: '{"name":"smile \\ud83d\\ude00"}',
      headers: json,
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('smile 😀');
  });
});

describe('path parameters are percent-decoded, strictly', () => {
  it('invalid percent-encoding (%ff%fe, an encoded surrogate) → 400 invalid_request, no literal id created', async () => {
    const t = await createTenant();
    for (const raw of ['%ff%fe', '%ED%A0%80', 'a%e9b']) {
      expectEnvelope(await api('PUT', `/v1/subscribers/${raw}`, { key: t.key, body: {} }), 400, 'invalid_request');
      expectEnvelope(await api('GET', `/v1/subscribers/${raw}`, { key: t.key }), 400, 'invalid_request');
    }
    expect((await api('GET', '/v1/subscribers', { key: t.key })).body.data).toEqual([]);

    // Valid encodings are decoded: %C3%A9 is é.
    const res = await api('PUT', '/v1/subscribers/ren%C3%A9', { key: t.key, body: {} });
    expect(res.status).toBe(201);
    expect(res.body.externalId).toBe('rené');
    expect((await api('GET', `/v1/subscribers/${encodeURIComponent('rené')}`, { key: t.key })).status).toBe(200);
  });
});

describe('the id alphabet', () => {
  const badIds = [
    ['whitespace only', '   '],
    ['leading whitespace', ' bob'],
    ['trailing whitespace', 'bob\u00a0'],
    ['a bidi override', 'abc\u202Egnp.exe'],
    ['a bidi isolate', 'a\u2066b'],
    ['a zero-width space', 'a\u200Bb'],
    ['a C1 control', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['only a slash', '/'],
    ['only dots and slashes', '../..'],
  ] as const;

  it.each(badIds)('a subscriber id with %s → 422 in the path', async (_what, id) => {
    const t = await createTenant();
    const res = await api('PUT', `/v1/subscribers/${encodeURIComponent(id)}`, { key: t.key, body: {} });
    expect(expectEnvelope(res, 422, 'validation_failed').details![0]!.path).toBe('param.externalId');
  });

  it('the same alphabet in bodies: notification recipients, topic members, schedule recipients', async () => {
    const t = await createTenant();
    await api('POST', '/v1/topics', { key: t.key, body: { key: 'news' } });
    for (const [, id] of badIds) {
      const send = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: id, content: { subject: 's', text: 't' } },
      });
      const paths = expectEnvelope(send, 422, 'validation_failed').details!.map((d) => d.path ?? '');
      expect(
        paths.some((p) => p.startsWith('body.to')),
        JSON.stringify(paths),
      ).toBe(true);
      expectEnvelope(
        await api('PUT', '/v1/topics/news/subscribers', { key: t.key, body: { subscribers: [id] } }),
        422,
        'validation_failed',
      );
      expectEnvelope(
        await api('POST', '/v1/schedules', {
          key: t.key,
          body: { name: 'x', timezone: 'UTC', cron: '0 9 * * 1', to: [id], content: { text: 'x' } },
        }),
        422,
        'validation_failed',
      );
    }
    // Ordinary ids still work: emails, user-1, ids with / inside, non-Latin letters, inner spaces.
    for (const id of ['user-1', 'ada@example.test', 'org/42/user', 'ユーザー', 'a b']) {
      const res = await api('PUT', `/v1/subscribers/${encodeURIComponent(id)}`, { key: t.key, body: {} });
      expect(res.status, id).toBe(201);
      expect(res.body.externalId).toBe(id);
    }
  });

  it('keys: a topic key of only dots, a category key with spaces in preferences → 422', async () => {
    const t = await createTenant();
    expectEnvelope(await api('POST', '/v1/topics', { key: t.key, body: { key: '..' } }), 422, 'validation_failed');
    expectEnvelope(await api('POST', '/v1/topics', { key: t.key, body: { key: '-x' } }), 422, 'validation_failed');
    await api('PUT', '/v1/subscribers/p1', { key: t.key, body: {} });
    const prefs = await api('PUT', '/v1/subscribers/p1/preferences', {
      key: t.key,
      body: { categories: { 'Bad Key\u202E': { enabled: false } } },
    });
    expectEnvelope(prefs, 422, 'validation_failed');
    const send = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: 'c@example.test' }, category: 'Promo Deals', content: { subject: 's', text: 't' } },
    });
    expect(expectEnvelope(send, 422, 'validation_failed').details!.map((d) => d.path)).toContain('body.category');
  });
});
