import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope } from '../helpers/api';

describe('tenant isolation for subscribers', () => {
  it("tenant B's key gets 404 for every subscriber route on tenant A's subscriber", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('PUT', '/v1/subscribers/shared-id', { key: a.key, body: { email: 'a-user@a.test', name: 'A user' } });

    expectEnvelope(await api('GET', '/v1/subscribers/shared-id', { key: b.key }), 404, 'not_found');
    expectEnvelope(await api('DELETE', '/v1/subscribers/shared-id', { key: b.key }), 404, 'not_found');
    const listed = await api('GET', '/v1/subscribers', { key: b.key });
    expect(listed.body.data).toEqual([]);

    // PUT with the same externalId creates B's own subscriber; A's is untouched.
    const bPut = await api('PUT', '/v1/subscribers/shared-id', { key: b.key, body: { name: 'B user' } });
    expect(bPut.status).toBe(201);
    const aRead = await api('GET', '/v1/subscribers/shared-id', { key: a.key });
    expect(aRead.body).toMatchObject({ name: 'A user', email: 'a-user@a.test' });
    expect(aRead.body.id).not.toBe(bPut.body.id);
  });

  it("a list cursor from tenant A does not reveal A's rows to tenant B", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    for (const id of ['x', 'y']) await api('PUT', `/v1/subscribers/${id}`, { key: a.key, body: {} });
    const page = await api('GET', '/v1/subscribers?limit=1', { key: a.key });
    const viaCursor = await api('GET', `/v1/subscribers?after=${page.body.next}`, { key: b.key });
    expect(viaCursor.body.data).toEqual([]);
  });
});
