import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope, testDb } from '../helpers/api';
import { addProvider, jsonStep, randomPhone, scriptProvider, twilioSid } from '../helpers/providers';
import { signedTwilioRequest, twilioStatusParams } from '../helpers/receipt-signing';
import { allDeliveries, receivedMail, scriptEndpoint, uniqueName, waitForNotification } from '../helpers/stand-ins';
import { createEndpoint } from '../helpers/webhooks';

async function send(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await api('POST', '/v1/notifications', { key, body, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

/** A request as built by a helper (absolute URL), through the worker. */
function deliverHook(req: { url: string; headers: Record<string, string>; body: string }) {
  const url = new URL(req.url);
  return api('POST', url.pathname + url.search, { rawBody: req.body, headers: req.headers });
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/**
 * Every text, varchar, json, jsonb and array column of every table in the public schema, searched for each needle
 * (case-insensitive, anywhere in the value). Returns "table.column: needle" for each hit.
 */
async function scanAllTables(needles: string[]): Promise<string[]> {
  const db = testDb();
  const columns = await db.execute<{ table_name: string; column_name: string }>(sql`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
    ORDER BY 1, 2`);
  expect(columns.rows.length).toBeGreaterThan(50);
  const hits: string[] = [];
  const queue = [...columns.rows];
  // A few at a time: each query is its own connection behind the local Neon proxy.
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const result = await db.execute<{ needle: string }>(sql`
        SELECT n AS needle FROM jsonb_array_elements_text(${JSON.stringify(needles)}::jsonb) AS n
        WHERE EXISTS (SELECT 1 FROM ${sql.identifier(c.table_name)}
          WHERE position(lower(n) in lower(${sql.identifier(c.column_name)}::text)) > 0)`);
      for (const r of result.rows) hits.push(`${c.table_name}.${c.column_name}: ${r.needle}`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return hits.sort();
}

async function summary(key: string) {
  const from = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const res = await api('GET', `/v1/analytics/summary?from=${from}`, { key });
  expect(res.status).toBe(200);
  return res.body;
}

describe('GDPR export and erasure', () => {
  it('exports everything held about a person; erasure leaves no trace of them in any table and totals unchanged', async () => {
    const t = await createLiveTenant('gdpr');
    const ext = uniqueName('gdpr-user');
    const email = `${ext}@example.test`;
    const phone = randomPhone();
    const name = `Zelda ${uniqueName('Quillfeather')}`;
    const other = uniqueName('gdpr-other');

    // A receiver that echoes the person's address back, so response snippets name them too.
    const receiver = uniqueName('gdpr-wh');
    await scriptEndpoint(receiver, [], { status: 200, body: `{"ok":true,"seen":"${email}"}` });
    const endpoint = await createEndpoint(t.key, { name: receiver });
    const hooks = (await api('GET', '/v1/inbound-hooks', { key: t.key })).body.urls.twilio as string;
    const sid = twilioSid();
    const authToken = 'a'.repeat(32);
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken, from: '+15005550006', statusCallbackUrl: hooks },
    });

    expect(
      (await api('PUT', `/v1/subscribers/${ext}`, { key: t.key, body: { email, phone, name, data: { nick: name } } }))
        .status,
    ).toBe(201);
    await api('PUT', `/v1/subscribers/${other}`, { key: t.key, body: { email: `${other}@example.test` } });
    expect(
      (await api('PUT', `/v1/subscribers/${ext}/preferences`, { key: t.key, body: { channels: { push: false } } }))
        .status,
    ).toBe(200);
    const topic = uniqueName('topic');
    await api('POST', '/v1/topics', { key: t.key, body: { key: topic, name: 'News' } });
    await api('PUT', `/v1/topics/${topic}/subscribers`, { key: t.key, body: { subscribers: [ext, other] } });
    const schedule = (to: string[]) =>
      api('POST', '/v1/schedules', {
        key: t.key,
        body: {
          name: `digest for ${name}`,
          timezone: 'UTC',
          cron: '0 9 * * *',
          startAt: '2027-01-01T00:00:00Z',
          to,
          content: { subject: 'Digest', text: `news for ${name}` },
        },
      });
    const onlyThem = (await schedule([ext])).body.id as string;
    const shared = (await schedule([ext, other])).body.id as string;

    // Email + SMS + in-app, with their details in the content and the metadata; an Idempotency-Key naming them.
    const welcome = await send(
      t.key,
      {
        to: ext,
        channels: ['email', 'sms', 'in_app'],
        content: {
          subject: `Hello ${name}`,
          text: `Hi ${name}, we will text ${phone}`,
          html: `<p>Hi ${name}, <a href="https://shop.test/account/${ext}">your account</a></p>`,
          title: `Hi ${name}`,
        },
        metadata: { customer: email },
      },
      { 'Idempotency-Key': `welcome-${ext}` },
    );
    const sent = await waitForNotification(t.key, welcome, allDeliveries('sent'));
    const [mail] = await receivedMail(email);
    const pixel = /<img src="http:\/\/api\.test(\/t\/o\/[^"]+\.gif)"/.exec(mail!.html!)?.[1];
    expect((await api('GET', pixel!)).status).toBe(200);
    const sms = sent.deliveries.find((d: any) => d.channel === 'sms');
    const receipt = await signedTwilioRequest(hooks, twilioStatusParams(sms.providerMessageId, 'delivered'), authToken);
    expect((await deliverHook(receipt)).status).toBe(200);

    // The carrier refuses the number, quoting it: an error message naming them, and a suppression.
    await scriptProvider('twilio', sid, [
      jsonStep(400, { code: 21211, message: `The 'To' number ${phone} is not a valid phone number.`, status: 400 }),
    ]);
    const refused = await send(t.key, { to: ext, channels: ['sms'], content: { text: 'Your code is 1234' } });
    await waitForNotification(t.key, refused, allDeliveries('failed'));

    // One message to them and someone else: shared content that names them.
    const team = await send(t.key, {
      to: [ext, other],
      channels: ['email'],
      content: { subject: 'Team news', text: `Please welcome ${name} to the team` },
    });
    await waitForNotification(t.key, team, allDeliveries('sent'));

    // Test mode: the rendered message is stored in the sandbox.
    const sandboxed = await send(t.testKey, {
      to: ext,
      channels: ['email'],
      content: { subject: `Sandbox for ${name}`, text: `Sent to ${email}` },
    });
    await waitForNotification(t.testKey, sandboxed, allDeliveries('sent'));

    // A lifted suppression of their email (audit target names the address), then a one-click unsubscribe.
    await testDb().execute(sql`INSERT INTO suppressions (tenant_id, channel, address, reason, provider)
      VALUES (${t.tenantId}, 'email', ${email}, 'hard_bounce', 'smtp')`);
    expect((await api('DELETE', `/v1/suppressions/email/${encodeURIComponent(email)}`, { key: t.key })).status).toBe(
      204,
    );
    const unsubscribe = /<(http:\/\/api\.test\/u\/[^>]+)>/.exec(mail!.rawHeaders['list-unsubscribe']!)![1]!;
    const unsubscribed = await api('POST', new URL(unsubscribe).pathname, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsubscribed.status).toBe(200);

    // Wait until the receiver has answered (and echoed) every event, including subscriber.unsubscribed.
    await until(
      'webhook deliveries',
      async () =>
        (
          await testDb().execute<{ types: string[] | null; open: number }>(sql`
            SELECT (SELECT array_agg(DISTINCT event_type) FROM webhook_attempts
                WHERE tenant_id = ${t.tenantId} AND endpoint_id = ${endpoint.id}) AS types,
              (SELECT count(*)::int FROM webhook_messages
                WHERE tenant_id = ${t.tenantId} AND status NOT IN ('succeeded', 'failed', 'dead_lettered')) AS open`)
        ).rows[0]!,
      (r) =>
        r.open === 0 &&
        ['notification.accepted', 'delivery.sent', 'delivery.failed', 'subscriber.unsubscribed'].every((x) =>
          r.types?.includes(x),
        ),
    );

    // ── Export ──────────────────────────────────────────────────────────────────────────────────────────────
    const exported = await api('GET', `/v1/subscribers/${ext}/export`, { key: t.key });
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    const x = exported.body;
    expect(x.subscriber).toMatchObject({ externalId: ext, email, phone, name, data: { nick: name } });
    expect(x.preferences).toMatchObject({ channels: { push: false }, optOut: true });
    expect(x.topics.map((m: any) => m.key)).toEqual([topic]);
    const byId = new Map<string, any>(x.notifications.map((n: any) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual([welcome, refused, team, sandboxed].sort());
    expect(byId.get(welcome)).toMatchObject({ metadata: { customer: email }, sharedWithOthers: false });
    expect(byId.get(welcome).content.subject).toBe(`Hello ${name}`);
    expect(
      byId
        .get(welcome)
        .deliveries.map((d: any) => d.channel)
        .sort(),
    ).toEqual(['email', 'in_app', 'sms']);
    const welcomeEmail = byId.get(welcome).deliveries.find((d: any) => d.channel === 'email');
    expect(welcomeEmail.engagement.opens).toBe(1);
    expect(welcomeEmail.attempts[0]).toMatchObject({ outcome: 'sent', provider: 'smtp' });
    expect(byId.get(welcome).deliveries.find((d: any) => d.channel === 'sms').status).toBe('delivered');
    expect(byId.get(refused).deliveries[0].attempts[0].error.message).toContain(phone);
    // A shared notification: only this person's delivery is in their export.
    expect(byId.get(team)).toMatchObject({ sharedWithOthers: true });
    expect(byId.get(team).deliveries.map((d: any) => d.recipient)).toEqual([ext]);
    expect(x.sandboxMessages).toHaveLength(1);
    expect(JSON.stringify(x.sandboxMessages[0].message)).toContain(`Sandbox for ${name}`);
    expect(x.inbox.map((m: any) => m.title)).toEqual([`Hi ${name}`]);
    expect(x.suppressions).toMatchObject([{ channel: 'sms', address: phone, reason: expect.any(String) }]);
    const eventTypes = x.webhookEvents.map((e: any) => e.type);
    for (const type of ['notification.accepted', 'delivery.sent', 'delivery.delivered', 'subscriber.unsubscribed']) {
      expect(eventTypes).toContain(type);
    }
    expect(x.webhookEvents.flatMap((e: any) => e.attempts).some((a: any) => a.responseSnippet?.includes(email))).toBe(
      true,
    );
    expect(x.auditLog.map((a: any) => a.action).sort()).toEqual(
      ['preferences.updated', 'subscriber.unsubscribed', 'suppression.deleted'].sort(),
    );
    expect(x.truncated).toBe(false);
    // The export is only for this tenant's keys with `read` (a notifications-only key is refused).
    const writer = await api('POST', '/v1/api-keys', {
      key: t.key,
      body: { name: 'writer', mode: 'live', scopes: ['notifications:write'] },
    });
    expectEnvelope(
      await api('GET', `/v1/subscribers/${ext}/export`, { key: writer.body.key }),
      403,
      'insufficient_scope',
    );

    // ── Erase ───────────────────────────────────────────────────────────────────────────────────────────────
    // The scan below sees them everywhere the seeding put them (so an empty result after erasure means something).
    const seeded = await scanAllTables([email, phone, ext, name]);
    expect(seeded).toEqual(
      expect.arrayContaining([
        `audit_log.target_id: ${email}`,
        `deliveries.address: ${email}`,
        `deliveries.address: ${phone}`,
        `deliveries.last_error: ${phone}`,
        `deliveries.links: ${ext}`,
        `deliveries.recipient: ${ext}`,
        `delivery_attempts.error_message: ${phone}`,
        `idempotency_keys.key: ${ext}`,
        `idempotency_keys.response_body: ${ext}`,
        `inbox_messages.title: ${name}`,
        `notifications.content: ${name}`,
        `notifications.content: ${phone}`,
        `notifications.metadata: ${email}`,
        `sandbox_messages.message: ${email}`,
        `schedules.name: ${name}`,
        `schedules.request: ${ext}`,
        `subscribers.email: ${email}`,
        `subscribers.external_id: ${ext}`,
        `subscribers.name: ${name}`,
        `subscribers.phone: ${phone}`,
        `suppressions.address: ${phone}`,
        `webhook_attempts.response_snippet: ${email}`,
        `webhook_events.data: ${email}`,
        `webhook_events.data: ${ext}`,
        `webhook_events.data: ${phone}`,
      ]),
    );
    const before = await summary(t.key);
    const subscriberId = x.subscriber.id as string;
    const erased = await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: t.key });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body).toMatchObject({
      erased: true,
      subscriberId: ext,
      internalId: subscriberId,
      deliveries: 6,
      canceled: 0,
      notificationsWiped: 3,
      notificationsRedacted: 1,
    });

    expect(await scanAllTables([email, phone, ext, name])).toEqual([]);
    expect(await summary(t.key)).toEqual(before);

    // Gone for the API too; the audit trail records the erasure by internal id only.
    expectEnvelope(await api('GET', `/v1/subscribers/${ext}`, { key: t.key }), 404, 'not_found');
    expectEnvelope(await api('GET', `/v1/subscribers/${ext}/export`, { key: t.key }), 404, 'not_found');
    const audit = await api('GET', '/v1/audit-log?action=subscriber.erased', { key: t.key });
    expect(audit.body.data).toMatchObject([{ targetType: 'subscriber', targetId: subscriberId }]);

    // Delivery rows stay for the totals, anonymous; the other recipient keeps theirs, scrubbed of this person.
    const w = (await api('GET', `/v1/notifications/${welcome}`, { key: t.key })).body;
    expect(w.content).toEqual({});
    expect(w.metadata).toBeNull();
    expect(w.deliveries.map((d: any) => [d.recipient, d.address, d.status]).sort()).toEqual([
      ['[erased]', '', 'delivered'],
      ['[erased]', '', 'sent'],
      ['[erased]', '', 'sent'],
    ]);
    const tm = (await api('GET', `/v1/notifications/${team}`, { key: t.key })).body;
    expect(tm.content.text).toBe('Please welcome [erased] to the team');
    expect(tm.deliveries.map((d: any) => d.recipient).sort()).toEqual(['[erased]', other]);
    const receiptsLeft = await testDb().execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM provider_receipts WHERE tenant_id = ${t.tenantId}
        AND event_key LIKE ${`${sms.providerMessageId}:%`}`);
    expect(receiptsLeft.rows[0]!.n).toBe(0);
    expect((await api('GET', `/v1/schedules/${onlyThem}`, { key: t.key })).status).toBe(404);
    const sharedSchedule = (await api('GET', `/v1/schedules/${shared}`, { key: t.key })).body;
    expect(sharedSchedule.send.to).toEqual([other]);
    expect(sharedSchedule.name).toBe('digest for [erased]');

    // The suppression is kept as a hash: re-adding the person does not text a number that was refused.
    const kept = await api('GET', '/v1/suppressions?channel=sms', { key: t.key });
    expect(kept.body.data).toMatchObject([{ address: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }]);
    await api('PUT', `/v1/subscribers/${ext}`, { key: t.key, body: { phone } });
    const again = await send(t.key, { to: ext, channels: ['sms'], content: { text: 'hello again' } });
    await waitForNotification(t.key, again, allDeliveries('suppressed'));

    // Erasing again removes what came since (the re-added profile and that send).
    expect((await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: t.key })).body).toMatchObject({
      deliveries: 1,
    });
    expect(await scanAllTables([phone, ext])).toEqual([]);
  });

  it('erasure after a plain DELETE still finds the delivery history; a plain DELETE keeps its behaviour', async () => {
    const t = await createTenant('gdpr-after-delete');
    const ext = uniqueName('gone');
    const email = `${ext}@example.test`;
    await api('PUT', `/v1/subscribers/${ext}`, { key: t.key, body: { email } });
    const id = await send(t.key, { to: ext, channels: ['email'], content: { subject: 'Hi', text: `for ${email}` } });
    await waitForNotification(t.key, id, allDeliveries('sent'));

    expect((await api('DELETE', `/v1/subscribers/${ext}`, { key: t.key })).status).toBe(204);
    const n = (await api('GET', `/v1/notifications/${id}`, { key: t.key })).body;
    expect(n.deliveries[0]).toMatchObject({ recipient: ext, address: email });
    const exported = await api('GET', `/v1/subscribers/${ext}/export`, { key: t.key });
    expect(exported.status).toBe(200);
    expect(exported.body.subscriber).toBeNull();
    expect(exported.body.notifications.map((x: any) => x.id)).toEqual([id]);

    const erased = await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: t.key });
    expect(erased.body).toMatchObject({ erased: true, deliveries: 1, notificationsWiped: 1 });
    expect(await scanAllTables([email, ext])).toEqual([]);
    expectEnvelope(await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: t.key }), 404, 'not_found');
  });

  it('another tenant cannot export or erase; its own subscriber with the same id is untouched', async () => {
    const a = await createTenant('gdpr-a');
    const b = await createTenant('gdpr-b');
    const ext = uniqueName('shared-id');
    await api('PUT', `/v1/subscribers/${ext}`, { key: a.key, body: { email: `${ext}@a.test` } });
    const id = await send(a.key, { to: ext, channels: ['email'], content: { subject: 'Hi', text: 'a' } });
    await waitForNotification(a.key, id, allDeliveries('sent'));

    expectEnvelope(await api('GET', `/v1/subscribers/${ext}/export`, { key: b.key }), 404, 'not_found');
    expectEnvelope(await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: b.key }), 404, 'not_found');
    expect((await api('GET', `/v1/subscribers/${ext}`, { key: a.key })).body.email).toBe(`${ext}@a.test`);

    await api('PUT', `/v1/subscribers/${ext}`, { key: b.key, body: { email: `${ext}@b.test` } });
    expect((await api('DELETE', `/v1/subscribers/${ext}?erase=true`, { key: b.key })).status).toBe(200);
    expect((await api('GET', `/v1/subscribers/${ext}`, { key: a.key })).body.email).toBe(`${ext}@a.test`);
    const n = (await api('GET', `/v1/notifications/${id}`, { key: a.key })).body;
    expect(n.deliveries[0]).toMatchObject({ recipient: ext, address: `${ext}@a.test` });
  });
});
