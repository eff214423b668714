import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rollUpUsage } from '../../src/db/queries/usage';
import worker from '../../src/index';
import { newId } from '../../src/lib/ids';
import { api, createKey, createTenant, expectEnvelope, type TestTenant, testDb, testEnv } from '../helpers/api';
import { createEndpoint } from '../helpers/webhooks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function runDailyRetention() {
  await worker.scheduled(
    createScheduledController({ cron: '30 3 * * *', scheduledTime: new Date() }),
    testEnv,
    createExecutionContext(),
  );
}

interface Seeded {
  notificationId: string;
  deliveryIds: string[];
  inboxId: string;
  sandboxId: string;
  eventId: string;
  attemptId: string;
}

/**
 * One notification `daysAgo` days old with everything a body leaves behind: content and data, a failed email
 * (error message on the delivery and its attempt), a sent email with tracked links, an in-app copy, a sandbox
 * rendering, and a webhook event with the receiver's answer. `sendAt` makes it a scheduled send; `pending` leaves
 * one delivery still being sent.
 */
async function seed(
  t: TestTenant & { subscriberId: string; endpointId: string },
  daysAgo: number,
  opts: { sendAt?: Date; pending?: boolean } = {},
): Promise<Seeded> {
  const at = Date.now() - daysAgo * DAY;
  const created = new Date(at).toISOString();
  const db = testDb();
  const notificationId = newId('ntf', at);
  const [failed, sent, inApp] = [newId('dlv', at), newId('dlv', at), newId('dlv', at)];
  const sandboxId = newId('sbx', at);
  const eventId = `evt_${crypto.randomUUID().replace(/-/g, '')}`;
  const attemptId = newId('wha', at);
  await db.batch([
    db.execute(sql`
      INSERT INTO notifications (id, tenant_id, mode, priority, category, content, data, metadata, send_at, created_at)
      VALUES (${notificationId}, ${t.tenantId}, 'live', 'normal', 'news',
        '{"subject":"Your order","text":"Hello Kim, order 42 ships today"}'::jsonb, '{"order":42}'::jsonb,
        '{"ref":"r-42"}'::jsonb, ${opts.sendAt?.toISOString() ?? null}, ${created})`),
    db.execute(sql`
      INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address, provider,
        sent_at, cost, links, last_error, attempts, created_at)
      VALUES
        (${failed}, ${t.tenantId}, ${notificationId}, 'email', 'failed', 'normal', 'kim', 'kim@x.test', 'smtp',
          NULL, NULL, NULL, '{"code":"smtp_550","message":"550 <kim@x.test>: no such user"}'::jsonb, 1, ${created}),
        (${sent}, ${t.tenantId}, ${notificationId}, 'email', ${opts.pending ? 'sending' : 'sent'}, 'normal', 'kim',
          'kim@x.test', 'smtp', ${opts.pending ? null : created}, 0.001, '["https://shop.test/orders/42"]'::jsonb,
          NULL, 1, ${created}),
        (${inApp}, ${t.tenantId}, ${notificationId}, 'in_app', 'sent', 'normal', 'kim', ${t.subscriberId}, 'inbox',
          ${created}, NULL, NULL, NULL, 1, ${created})`),
    // In flight right now (claimed this second), so no sweeper of a concurrent test re-enqueues it.
    db.execute(
      sql`UPDATE deliveries SET claimed_at = now(), enqueued_at = now() WHERE id = ${sent} AND status = 'sending'`,
    ),
    db.execute(sql`
      INSERT INTO delivery_attempts (id, tenant_id, delivery_id, attempt_no, provider, outcome, duration_ms, error_code,
        error_message, started_at)
      VALUES (${newId('att', at)}, ${t.tenantId}, ${failed}, 1, 'smtp', 'permanent_error', 12, 'smtp_550',
        '550 <kim@x.test>: no such user', ${created})`),
    db.execute(sql`
      INSERT INTO inbox_messages (id, tenant_id, subscriber_id, notification_id, title, body, seq, updated_seq, created_at)
      VALUES (${inApp}, ${t.tenantId}, ${t.subscriberId}, ${notificationId}, 'Your order', 'Hello Kim', 1, 1, ${created})`),
    db.execute(sql`
      INSERT INTO sandbox_messages (id, tenant_id, delivery_id, notification_id, channel, recipient, address, message,
        created_at)
      VALUES (${sandboxId}, ${t.tenantId}, ${sent}, ${notificationId}, 'email', 'kim', 'kim@x.test',
        '{"subject":"Your order","text":"Hello Kim"}'::jsonb, ${opts.sendAt?.toISOString() ?? created})`),
    db.execute(sql`
      INSERT INTO webhook_events (id, tenant_id, type, data, created_at)
      VALUES (${eventId}, ${t.tenantId}, 'delivery.sent', '{"recipient":"kim"}'::jsonb, ${created})`),
    db.execute(sql`
      INSERT INTO webhook_attempts (id, tenant_id, endpoint_id, event_id, event_type, attempt_no, outcome, status_code,
        duration_ms, response_snippet, started_at)
      VALUES (${attemptId}, ${t.tenantId}, ${t.endpointId}, ${eventId}, 'delivery.sent', 1, 'succeeded', 200, 5,
        '{"got":"kim"}', ${created})`),
  ]);
  // The roll-up has covered these hours (the job only removes bodies of rolled-up hours).
  const hour = Math.floor(at / HOUR) * HOUR;
  await rollUpUsage(db, new Date(hour), new Date(hour + HOUR));
  return { notificationId, deliveryIds: [failed, sent, inApp], inboxId: inApp, sandboxId, eventId, attemptId };
}

/** What is left of a seeded notification's bodies. */
async function bodiesOf(tenantId: string, s: Seeded) {
  const db = testDb();
  const row = async <T>(q: ReturnType<typeof sql>) => (await db.execute<T & Record<string, unknown>>(q)).rows[0];
  const n = await row<{ content: unknown; data: unknown; metadata: unknown; purged: boolean }>(sql`
    SELECT content, data, metadata, purged_at IS NOT NULL AS purged FROM notifications
    WHERE tenant_id = ${tenantId} AND id = ${s.notificationId}`);
  const d = await db.execute<{ status: string; links: unknown; last_error: unknown; cost: number | null }>(sql`
    SELECT status, links, last_error, cost FROM deliveries WHERE tenant_id = ${tenantId} AND notification_id = ${s.notificationId}
    ORDER BY id`);
  const attempt = await row<{ error_message: string | null; error_code: string }>(sql`
    SELECT error_message, error_code FROM delivery_attempts WHERE tenant_id = ${tenantId} AND delivery_id = ${s.deliveryIds[0]}`);
  const counts = await row<{ inbox: number; sandbox: number; events: number }>(sql`
    SELECT (SELECT count(*)::int FROM inbox_messages WHERE tenant_id = ${tenantId} AND id = ${s.inboxId}) AS inbox,
      (SELECT count(*)::int FROM sandbox_messages WHERE tenant_id = ${tenantId} AND id = ${s.sandboxId}) AS sandbox,
      (SELECT count(*)::int FROM webhook_events WHERE tenant_id = ${tenantId} AND id = ${s.eventId}) AS events`);
  const snippet = await row<{ response_snippet: string | null }>(sql`
    SELECT response_snippet FROM webhook_attempts WHERE tenant_id = ${tenantId} AND id = ${s.attemptId}`);
  return { notification: n!, deliveries: d.rows, attempt: attempt!, ...counts!, snippet: snippet?.response_snippet };
}

async function tenantWithRetention(name: string, days: number | null) {
  const t = await createTenant(name);
  if (days !== null) {
    const res = await api('PUT', '/v1/settings/retention', { key: t.key, body: { days } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  await api('PUT', '/v1/subscribers/kim', { key: t.key, body: { email: 'kim@x.test' } });
  const subscriberId = (await api('GET', '/v1/subscribers/kim', { key: t.key })).body.id as string;
  const endpoint = await createEndpoint(t.key);
  return { ...t, subscriberId, endpointId: endpoint.id };
}

async function totals(key: string) {
  const from = new Date(Date.now() - 50 * DAY).toISOString();
  const res = await api('GET', `/v1/analytics/summary?from=${from}`, { key });
  expect(res.status).toBe(200);
  return res.body.totals;
}

describe('retention', () => {
  it('the daily job removes bodies past each tenant retention; statuses, totals and recent rows stay', async () => {
    const short = await tenantWithRetention('retention-10', 10);
    const standard = await tenantWithRetention('retention-default', null);
    const long = await tenantWithRetention('retention-60', 60);
    const seeded = {
      short: {
        old: await seed(short, 20),
        older: await seed(short, 45),
        recent: await seed(short, 2),
        // Still waiting for a delivery: the content is needed to render it.
        pending: await seed(short, 20, { pending: true }),
        // Created long ago, but its send time counts: it was due only 5 days ago.
        scheduled: await seed(short, 20, { sendAt: new Date(Date.now() - 5 * DAY) }),
      },
      standard: { old: await seed(standard, 20), older: await seed(standard, 45) },
      long: { older: await seed(long, 45) },
    };
    // Live hours are read from deliveries since the watermark: move it past everything seeded.
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await rollUpUsage(testDb(), new Date(hour - HOUR), new Date(hour));
    const before = await Promise.all([totals(short.key), totals(standard.key), totals(long.key)]);
    expect(before[0]).toMatchObject({ accepted: 15, sent: 9, failed: 5 });

    await runDailyRetention();

    const purged = async (tenantId: string, s: Seeded) => {
      const b = await bodiesOf(tenantId, s);
      expect(b.notification).toMatchObject({ content: {}, data: null, metadata: { ref: 'r-42' }, purged: true });
      expect(b.deliveries.map((d) => d.status).sort()).toEqual(['failed', 'sent', 'sent']);
      expect(b.deliveries.every((d) => d.links === null)).toBe(true);
      expect(b.deliveries.map((d) => d.last_error).filter(Boolean)).toEqual([
        { code: 'smtp_550', message: '[purged]' },
      ]);
      expect(b.deliveries.map((d) => d.cost).filter((c) => c !== null)).toEqual([0.001]);
      expect(b.attempt).toEqual({ error_message: null, error_code: 'smtp_550' });
      expect(b.inbox).toBe(0);
      expect(b.sandbox).toBe(0);
      return b;
    };
    const kept = async (tenantId: string, s: Seeded, opts = { sandbox: true }) => {
      const b = await bodiesOf(tenantId, s);
      expect(b.notification).toMatchObject({ content: { subject: 'Your order' }, data: { order: 42 }, purged: false });
      expect(b.deliveries.some((d) => Array.isArray(d.links))).toBe(true);
      expect(b.attempt.error_message).toContain('no such user');
      expect(b.inbox).toBe(1);
      if (opts.sandbox) expect(b.sandbox).toBe(1);
      return b;
    };

    // 10 days: everything older goes, including webhook events and what receivers answered.
    const shortOld = await purged(short.tenantId, seeded.short.old);
    expect(shortOld.events).toBe(0);
    expect(shortOld.snippet).toBeNull();
    await purged(short.tenantId, seeded.short.older);
    await kept(short.tenantId, seeded.short.scheduled);
    const shortRecent = await kept(short.tenantId, seeded.short.recent);
    expect(shortRecent.events).toBe(1);
    expect(shortRecent.snippet).toBe('{"got":"kim"}');
    // Its sandbox rendering is 20 days old and goes by its own age.
    await kept(short.tenantId, seeded.short.pending, { sandbox: false });

    // The 30-day default: 20 days stays (events too: the hourly job takes those at 30 days), 45 goes.
    const standardOld = await kept(standard.tenantId, seeded.standard.old);
    expect(standardOld.events).toBe(1);
    expect(standardOld.snippet).toBe('{"got":"kim"}');
    await purged(standard.tenantId, seeded.standard.older);
    // 60 days: 45 stays.
    await kept(long.tenantId, seeded.long.older);

    expect(await Promise.all([totals(short.key), totals(standard.key), totals(long.key)])).toEqual(before);
    // A second run finds nothing more to do and changes nothing.
    await runDailyRetention();
    await kept(short.tenantId, seeded.short.recent);
    expect(await Promise.all([totals(short.key), totals(standard.key), totals(long.key)])).toEqual(before);
  });

  it('works through a large backlog in bounded batches, stepping over a notification still being sent', async () => {
    const t = await createTenant('retention-backlog');
    const at = Date.now() - 40 * DAY;
    const created = new Date(at).toISOString();
    const prefix = newId('ntf', at).slice(0, 14);
    // 1,200 notifications with 6 deliveries each: more than one batch by notifications and by deliveries.
    await testDb().execute(sql`
      WITH n AS (
        INSERT INTO notifications (id, tenant_id, mode, priority, content, data, created_at)
        SELECT ${prefix} || lpad(g::text, 16, '0'), ${t.tenantId}, 'live', 'normal', '{"text":"hi"}'::jsonb,
          '{"k":1}'::jsonb, ${created}
        FROM generate_series(1, 1200) g RETURNING id
      )
      INSERT INTO deliveries (id, tenant_id, notification_id, channel, status, priority, recipient, address, links,
        created_at)
      SELECT 'dlv_' || substr(n.id, 5) || k, ${t.tenantId}, n.id, 'email',
        CASE WHEN n.id = ${`${prefix}${'600'.padStart(16, '0')}`} AND k = 1 THEN 'sending' ELSE 'sent' END,
        'normal', 'r', 'r@x.test', '["https://x.test"]'::jsonb, ${created}
      FROM n, generate_series(1, 6) k`);
    await testDb().execute(sql`UPDATE deliveries SET claimed_at = now() WHERE tenant_id = ${t.tenantId}
      AND status = 'sending'`);
    const hour = Math.floor(at / HOUR) * HOUR;
    await rollUpUsage(testDb(), new Date(hour), new Date(hour + HOUR));
    const before = await totals(t.key);
    expect(before.accepted).toBe(7200);

    await runDailyRetention();

    const left = await testDb().execute<{ id: string }>(sql`
      SELECT id FROM notifications WHERE tenant_id = ${t.tenantId} AND purged_at IS NULL`);
    expect(left.rows.map((r) => r.id)).toEqual([`${prefix}${'600'.padStart(16, '0')}`]);
    const links = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = ${t.tenantId} AND links IS NOT NULL`);
    expect(links.rows[0]!.n).toBe(6);
    expect(await totals(t.key)).toEqual(before);
  });

  it('settings: default 30 days, admin-only changes within 1–3650, null returns to the default, audited', async () => {
    const t = await createTenant('retention-settings');
    expect((await api('GET', '/v1/settings/retention', { key: t.key })).body).toEqual({ days: 30, isDefault: true });
    const reader = await createKey(t, ['read']);
    expect((await api('GET', '/v1/settings/retention', { key: reader.key })).status).toBe(200);
    expectEnvelope(
      await api('PUT', '/v1/settings/retention', { key: reader.key, body: { days: 7 } }),
      403,
      'insufficient_scope',
    );
    for (const days of [0, 3651, 1.5, '7']) {
      expectEnvelope(
        await api('PUT', '/v1/settings/retention', { key: t.key, body: { days } }),
        422,
        'validation_failed',
      );
    }
    expect((await api('PUT', '/v1/settings/retention', { key: t.key, body: { days: 7 } })).body).toEqual({
      days: 7,
      isDefault: false,
    });
    expect((await api('PUT', '/v1/settings/retention', { key: t.key, body: { days: null } })).body).toEqual({
      days: 30,
      isDefault: true,
    });
    const audit = await api('GET', '/v1/audit-log?action=retention_settings.updated', { key: t.key });
    expect(audit.body.data.map((e: any) => e.details.after.days)).toEqual([30, 7]);
  });
});
