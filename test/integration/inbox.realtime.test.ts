import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createTenant, testDb } from '../helpers/api';
import { asSubscriber, InboxSocket, inboxToken, sendInApp } from '../helpers/inbox';

const open: InboxSocket[] = [];
async function connect(token: string, since?: number) {
  const s = await InboxSocket.open(`token=${token}${since === undefined ? '' : `&since=${since}`}`);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe('inbox: realtime', () => {
  it('stores an in_app delivery in Postgres and pushes it to every socket of the subscriber', async () => {
    const t = await createTenant('inbox');
    const token = await inboxToken(t.key, 'kim');
    const [a, b] = [await connect(token), await connect(token)];
    for (const s of [a, b])
      expect(await s.next((f) => f.type === 'counts')).toEqual({ type: 'counts', cursor: 0, unread: 0, unseen: 0 });

    const id = await sendInApp(
      t.key,
      'kim',
      { title: 'Invoice paid', body: 'Thanks!', actionUrl: 'https://app.test/i/1', data: { n: 1 } },
      { category: 'billing' },
    );
    for (const s of [a, b]) {
      const frame = await s.next((f) => f.type === 'message.new');
      expect(frame).toMatchObject({
        cursor: 1,
        message: {
          notificationId: id,
          title: 'Invoice paid',
          body: 'Thanks!',
          actionUrl: 'https://app.test/i/1',
          data: { n: 1 },
          category: 'billing',
          seen: false,
          read: false,
          archived: false,
        },
      });
      await s.countsBecome(1, 1);
    }
    const feed = await api('GET', '/v1/inbox', { headers: asSubscriber(token) });
    expect(feed.status).toBe(200);
    expect(feed.body.streamCursor).toBe(1);
    expect(feed.body.data).toHaveLength(1);
    const n = await api('GET', `/v1/notifications/${id}`, { key: t.key });
    expect(n.body.deliveries[0]).toMatchObject({ channel: 'in_app', status: 'sent', provider: 'inbox' });
    expect(feed.body.data[0].id).toBe(n.body.deliveries[0].id);
    const rows = await testDb().execute(sql`SELECT title FROM inbox_messages WHERE id = ${feed.body.data[0].id}`);
    expect(rows.rows).toEqual([{ title: 'Invoice paid' }]);
  });

  it('a reconnect with since=<cursor> gets exactly what it missed, once and in order, then live changes', async () => {
    const t = await createTenant('inbox-reconnect');
    const token = await inboxToken(t.key, 'kim');
    const first = await connect(token);
    await first.next((f) => f.type === 'counts');
    await sendInApp(t.key, 'kim', { title: 'A' });
    const a = await first.next((f) => f.type === 'message.new');
    await first.countsBecome(1, 1);
    const cursor = first.counts().cursor;
    first.close();

    await sendInApp(t.key, 'kim', { title: 'B' });
    await sendInApp(t.key, 'kim', { title: 'C' });
    // The consumer stores B and C in the background: mark A once they are in (stream positions 2 and 3).
    for (let i = 0; i < 200; i++) {
      const c = await api('GET', '/v1/inbox/counts', { headers: asSubscriber(token) });
      if (c.body.streamCursor === 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const marked = await api('POST', '/v1/inbox/mark', {
      headers: asSubscriber(token),
      body: { ids: [a.message.id], state: 'read' },
    });
    expect(marked.body).toEqual({ updated: 1, unread: 2, unseen: 2, streamCursor: 4 });

    const again = await connect(token, cursor);
    const counts = await again.countsBecome(2, 2);
    expect(counts.cursor).toBe(4);
    const missed = again.frames.filter((f) => f.type !== 'counts');
    expect(missed.map((f) => [f.type, f.message?.title ?? f.ids])).toEqual([
      ['message.new', 'B'],
      ['message.new', 'C'],
      ['message.updated', [a.message.id]],
    ]);
    expect(missed.map((f) => f.cursor)).toEqual([2, 3, 4]);
    expect(missed[2].changes).toEqual({ seen: true, read: true, archived: false });

    // Live after the catch-up, nothing repeated.
    await sendInApp(t.key, 'kim', { title: 'D' });
    await again.countsBecome(3, 3);
    expect(again.frames.filter((f) => f.type === 'message.new').map((f) => f.message.title)).toEqual(['B', 'C', 'D']);

    // Reconnecting from the latest cursor replays nothing.
    const latest = await connect(token, again.counts().cursor);
    await latest.next((f) => f.type === 'counts');
    expect(latest.frames).toEqual([{ type: 'counts', cursor: 5, unread: 3, unseen: 3 }]);
  });

  it('marks from any socket or the API update every socket, and the counts stay exact under concurrent marks', async () => {
    const t = await createTenant('inbox-marks');
    const token = await inboxToken(t.key, 'kim');
    const [a, b] = [await connect(token), await connect(token)];
    for (const s of [a, b]) await s.next((f) => f.type === 'counts');
    for (const title of ['1', '2', '3', '4']) await sendInApp(t.key, 'kim', { title });
    for (const s of [a, b]) await s.countsBecome(4, 4);
    const ids = a.frames.filter((f) => f.type === 'message.new').map((f) => f.message.id);

    a.send({ type: 'mark', ids: [ids[0]], state: 'read' });
    for (const s of [a, b]) {
      expect(await s.next((f) => f.type === 'message.updated')).toMatchObject({
        ids: [ids[0]],
        changes: { seen: true, read: true },
      });
      await s.countsBecome(3, 3);
    }
    await api('POST', '/v1/inbox/mark', { headers: asSubscriber(token), body: { all: true, state: 'seen' } });
    for (const s of [a, b]) await s.countsBecome(3, 0);

    // A burst of marks from two sockets and the API at once: whatever the interleaving, every socket ends on the
    // counts Postgres holds.
    const states = ['read', 'unread', 'archived', 'unarchived', 'unseen', 'seen'] as const;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 24; i++) {
      const mark = { ids: [ids[i % 4]], state: states[(i * 7) % states.length] };
      if (i % 3 === 0) {
        work.push(
          api('POST', '/v1/inbox/mark', { headers: asSubscriber(token), body: mark }).then((r) => {
            expect(r.status).toBe(200);
          }),
        );
      } else (i % 3 === 1 ? a : b).send({ type: 'mark', ...mark });
    }
    await Promise.all(work);
    const truth = async () => {
      const rows = await testDb().execute<{ unread: string; unseen: string; seq: string }>(sql`
        SELECT count(*) FILTER (WHERE read_at IS NULL AND archived_at IS NULL) AS unread,
               count(*) FILTER (WHERE seen_at IS NULL AND archived_at IS NULL) AS unseen,
               (SELECT seq FROM inbox_state s WHERE s.subscriber_id = m.subscriber_id) AS seq
        FROM inbox_messages m WHERE tenant_id = ${t.tenantId} GROUP BY subscriber_id`);
      return rows.rows[0]!;
    };
    // Every mark bumps the stream once: 2 earlier marks + 24 = cursor 30 after the 4 messages.
    for (let i = 0; i < 200 && Number((await truth()).seq) < 30; i++) await new Promise((r) => setTimeout(r, 50));
    const final = await truth();
    expect([...a.frames, ...b.frames].filter((f) => f.type === 'error')).toEqual([]);
    expect(Number(final.seq)).toBe(30);
    for (const s of [a, b]) {
      await s.next((f) => f.type === 'counts' && f.cursor === 30);
      expect(s.counts()).toEqual({
        type: 'counts',
        cursor: 30,
        unread: Number(final.unread),
        unseen: Number(final.unseen),
      });
    }
    const api_counts = await api('GET', '/v1/inbox/counts', { headers: asSubscriber(token) });
    expect(api_counts.body).toEqual({ unread: Number(final.unread), unseen: Number(final.unseen), streamCursor: 30 });
  });

  it('answers ping without a round trip, reports bad frames, and takes the token as a subprotocol', async () => {
    const t = await createTenant('inbox-frames');
    const token = await inboxToken(t.key, 'kim');
    const s = await InboxSocket.open('', { 'sec-websocket-protocol': `notifykit-inbox, ${token}` });
    open.push(s);
    expect((s as unknown as { protocol: string }).protocol).toBe('notifykit-inbox');
    await s.next((f) => f.type === 'counts');
    s.send('{"type":"ping"}');
    await s.next((f) => f.type === 'pong');
    s.send('not json');
    expect(await s.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_frame' });
    s.send({ type: 'mark', state: 'read' });
    expect(await s.next((f) => f.type === 'error' && /ids or all/.test(f.message))).toBeTruthy();
    s.send({ type: 'mark', all: true, state: 'exploded' });
    expect(await s.next((f) => f.type === 'error' && /state/.test(f.message))).toBeTruthy();
  });

  it('closes a socket with 4401 when a mark arrives after the token expired', async () => {
    const t = await createTenant('inbox-expiry');
    const token = await inboxToken(t.key, 'kim', { ttlSeconds: 60 });
    const s = await connect(token);
    await s.next((f) => f.type === 'counts');
    // Rewrite the socket's expiry instead of waiting a minute: the object reads it from the attachment.
    const { env } = await import('cloudflare:workers');
    const { runInDurableObject } = await import('cloudflare:test');
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    const stub = (env as any).INBOX.getByName(`${t.tenantId}:${claims.sub}`);
    await runInDurableObject(stub, (_instance: unknown, state: DurableObjectState) => {
      for (const ws of state.getWebSockets()) ws.serializeAttachment({ ...ws.deserializeAttachment(), exp: 1 });
    });
    s.send({ type: 'mark', all: true, state: 'read' });
    expect(await s.waitClosed()).toMatchObject({ code: 4401 });
  });
});
