import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope, testDb } from '../helpers/api';
import { asSubscriber, inboxToken, sendInApp } from '../helpers/inbox';

/** Where Idempotency-Key records live and whose they are (the replay itself: test/security/idempotency-every-post). */

async function inboxHolds(token: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const feed = await api('GET', '/v1/inbox', { headers: asSubscriber(token) });
    if (feed.body.data?.length === n) return;
    await new Promise((r) => setTimeout(r, 60));
  }
  throw new Error(`inbox never held ${n} messages`);
}

describe('Idempotency-Key: scopes and storage', () => {
  it('subscriber-token POSTs: each subscriber has their own keys, apart from the tenant’s', async () => {
    const t = await createTenant('idem-scopes');
    const kim = await inboxToken(t.key, 'kim');
    const lee = await inboxToken(t.key, 'lee');
    await sendInApp(t.key, 'kim', { title: 'Hi Kim' });
    await inboxHolds(kim, 1);
    const headers = (token: string) => ({ ...asSubscriber(token), 'idempotency-key': 'mark-all' });
    const mark = { all: true, state: 'read' };

    const kimFirst = await api('POST', '/v1/inbox/mark', { headers: headers(kim), body: mark });
    expect(kimFirst.status).toBe(200);
    expect(kimFirst.body.updated).toBe(1);
    // Lee's same key is Lee's own: it runs (nothing of Kim's is replayed to Lee).
    const leeFirst = await api('POST', '/v1/inbox/mark', { headers: headers(lee), body: mark });
    expect(leeFirst.status).toBe(200);
    expect(leeFirst.headers.get('idempotency-replay')).toBeNull();
    expect(leeFirst.body.updated).toBe(0);
    // Kim's retry is Kim's answer, replayed.
    const kimAgain = await api('POST', '/v1/inbox/mark', { headers: headers(kim), body: mark });
    expect(kimAgain.headers.get('idempotency-replay')).toBe('true');
    expect(kimAgain.body).toEqual(kimFirst.body);
    expectEnvelope(
      await api('POST', '/v1/inbox/mark', { headers: headers(kim), body: { all: true, state: 'seen' } }),
      422,
      'idempotency_key_reused',
    );
    // And the tenant's own namespace is apart from both.
    const topic = await api('POST', '/v1/topics', {
      key: t.key,
      headers: { 'idempotency-key': 'mark-all' },
      body: { key: 'news', name: 'News' },
    });
    expect(topic.status).toBe(201);
    expect(topic.headers.get('idempotency-replay')).toBeNull();
  });

  it('a replayed secret is the same working secret, and the stored copy does not hold it in clear', async () => {
    const t = await createTenant('idem-secret');
    const headers = { 'idempotency-key': 'ci-key' };
    const body = { name: 'ci', mode: 'test', scopes: ['read'] };
    const first = await api('POST', '/v1/api-keys', { key: t.key, headers, body });
    const again = await api('POST', '/v1/api-keys', { key: t.key, headers, body });
    expect(first.status).toBe(201);
    expect(again.headers.get('idempotency-replay')).toBe('true');
    expect(again.body.key).toBe(first.body.key);
    expect((await api('GET', '/v1/subscribers', { key: again.body.key })).status).toBe(200);
    const rows = await testDb().execute<{ response_body: string }>(sql`
      SELECT response_body FROM idempotency_keys WHERE tenant_id = ${t.tenantId} AND key = 'ci-key'`);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]!.response_body).not.toContain(first.body.key);
    expect(rows.rows[0]!.response_body).not.toContain(first.body.id);
  });

  it('a sealed answer whose cipher key was retired is not replayed, nor run again: 409 says it succeeded', async () => {
    const t = await createTenant('idem-retired');
    const headers = { 'idempotency-key': 'retired' };
    const body = { name: 'ci', mode: 'test', scopes: ['read'] };
    expect((await api('POST', '/v1/api-keys', { key: t.key, headers, body })).status).toBe(201);
    // As if the operator removed the sealing key from CREDENTIALS_KEYS: the stored copy names a key id we lack.
    await testDb().execute(sql`
      UPDATE idempotency_keys SET response_body = regexp_replace(response_body, '^sealed:[^:]+:', 'sealed:retired-2025:')
      WHERE tenant_id = ${t.tenantId} AND key = 'retired'`);
    const again = await api('POST', '/v1/api-keys', { key: t.key, headers, body });
    const error = expectEnvelope(again, 409, 'conflict');
    expect(error.message).toContain('already succeeded (201)');
    const keys = (await api('GET', '/v1/api-keys', { key: t.key })).body.data;
    expect(keys.filter((k: any) => k.name === 'ci')).toHaveLength(1);
  });

  it('a key must be printable ASCII: a control character is refused before anything runs', async () => {
    const t = await createTenant('idem-ascii');
    const res = await api('POST', '/v1/topics', {
      key: t.key,
      headers: { 'idempotency-key': 'tab\there' },
      body: { key: 'news', name: 'News' },
    });
    expectEnvelope(res, 422, 'validation_failed');
    expect((await api('GET', '/v1/topics/news', { key: t.key })).status).toBe(404);
  });
});
