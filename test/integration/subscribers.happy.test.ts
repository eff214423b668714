import { describe, expect, it } from 'vitest';
import { api, createTenant } from '../helpers/api';

describe('subscribers', () => {
  it('PUT creates (201) then merges (200): present fields overwrite, null clears, absent fields stay', async () => {
    const t = await createTenant();
    const created = await api('PUT', '/v1/subscribers/user-1', {
      key: t.key,
      body: {
        email: 'ada@example.test',
        phone: '+14155550123',
        name: 'Ada',
        locale: 'en-gb',
        timezone: 'Europe/London',
        data: { plan: 'pro' },
        channels: { pushTokens: [{ provider: 'fcm', token: 'tok-1' }], webhookUrl: 'https://hooks.example.test/ada' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      externalId: 'user-1',
      email: 'ada@example.test',
      locale: 'en-GB',
      data: { plan: 'pro' },
      channels: { pushTokens: [{ provider: 'fcm', token: 'tok-1' }] },
    });
    expect(created.body.id).toMatch(/^sub_/);

    const updated = await api('PUT', '/v1/subscribers/user-1', { key: t.key, body: { name: 'Ada L.', phone: null } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      name: 'Ada L.',
      phone: null,
      email: 'ada@example.test',
      timezone: 'Europe/London',
    });
    expect(new Date(updated.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.body.updatedAt).getTime(),
    );

    const read = await api('GET', '/v1/subscribers/user-1', { key: t.key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(updated.body);
  });

  it('accepts an empty body as "touch" and ids with URL-encoded characters', async () => {
    const t = await createTenant();
    const id = encodeURIComponent('user@example.test/1');
    expect((await api('PUT', `/v1/subscribers/${id}`, { key: t.key, body: {} })).status).toBe(201);
    const read = await api('GET', `/v1/subscribers/${id}`, { key: t.key });
    expect(read.status).toBe(200);
    expect(read.body.externalId).toBe('user@example.test/1');
  });

  it('lists newest first with a cursor', async () => {
    const t = await createTenant();
    for (const id of ['a', 'b', 'c']) await api('PUT', `/v1/subscribers/${id}`, { key: t.key, body: {} });
    const first = await api('GET', '/v1/subscribers?limit=2', { key: t.key });
    expect(first.body.data.map((s: { externalId: string }) => s.externalId)).toEqual(['c', 'b']);
    const second = await api('GET', `/v1/subscribers?limit=2&after=${first.body.next}`, { key: t.key });
    expect(second.body.data.map((s: { externalId: string }) => s.externalId)).toEqual(['a']);
    expect(second.body.next).toBeNull();
  });

  it('DELETE removes (204), then 404', async () => {
    const t = await createTenant();
    await api('PUT', '/v1/subscribers/gone', { key: t.key, body: { name: 'Gone' } });
    const del = await api('DELETE', '/v1/subscribers/gone', { key: t.key });
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    expect((await api('GET', '/v1/subscribers/gone', { key: t.key })).status).toBe(404);
    expect((await api('DELETE', '/v1/subscribers/gone', { key: t.key })).status).toBe(404);
  });
});
