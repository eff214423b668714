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
});
