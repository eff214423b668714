import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import { auditLog, providerConfigs } from '../../src/db/schema';
import worker from '../../src/index';
import { deliverMessage } from '../../src/queues/messages';
import { api, createKey, createLiveTenant, createTenant, expectEnvelope, testDb, testEnv } from '../helpers/api';
import { uniqueAccount } from '../helpers/providers';

const SECRET = 'SG.do-not-leak-this-secret-0123456789';
const body = (over: Record<string, unknown> = {}) => ({
  channel: 'email',
  provider: 'sendgrid',
  name: 'Primary',
  credentials: { apiKey: SECRET, from: 'Acme <hi@acme.test>' },
  ...over,
});

afterEach(() => vi.restoreAllMocks());

describe('provider configurations', () => {
  it('create → get → list → update → delete; credentials never returned, only a fingerprint; audited', async () => {
    const t = await createTenant();
    const created = await api('POST', '/v1/providers', { key: t.key, body: body({ priority: 5 }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel: 'email',
      provider: 'sendgrid',
      name: 'Primary',
      priority: 5,
      enabled: true,
    });
    expect(created.body.credentialsFingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    expect(created.body.credentials).toBeUndefined();

    const got = await api('GET', `/v1/providers/${created.body.id}`, { key: t.key });
    expect(got.body).toEqual(created.body);
    const listed = await api('GET', '/v1/providers', { key: t.key });
    expect(listed.body.data.map((p: any) => p.id)).toEqual([created.body.id]);

    const rotated = await api('PATCH', `/v1/providers/${created.body.id}`, {
      key: t.key,
      body: { credentials: { apiKey: 'SG.another-secret-value-999', from: 'a@b.test' }, enabled: false },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.enabled).toBe(false);
    expect(rotated.body.credentialsFingerprint).not.toBe(created.body.credentialsFingerprint);

    const [row] = await testDb().select().from(providerConfigs).where(eq(providerConfigs.id, created.body.id));
    expect(row!.keyId).toBe('k1');
    expect(row!.credentialsCiphertext).toMatch(/^v1\./);
    expect(row!.credentialsCiphertext).not.toContain('another-secret');

    expect((await api('DELETE', `/v1/providers/${created.body.id}`, { key: t.key })).status).toBe(204);
    expectEnvelope(await api('GET', `/v1/providers/${created.body.id}`, { key: t.key }), 404, 'not_found');
    const audit = await testDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, t.tenantId), eq(auditLog.targetId, created.body.id)));
    expect(audit.map((a) => a.action).sort()).toEqual(['provider.created', 'provider.deleted', 'provider.updated']);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('invalid credentials → 422 naming fields, never echoing values; provider/channel mismatch → 422', async () => {
    const t = await createTenant();
    const bad = await api('POST', '/v1/providers', {
      key: t.key,
      body: body({ provider: 'twilio', channel: 'sms', credentials: { accountSid: 'not-a-sid', authToken: SECRET } }),
    });
    const error = expectEnvelope(bad, 422, 'validation_failed');
    expect(error.details!.map((d) => d.path)).toContain('body.credentials.accountSid');
    expect(JSON.stringify(bad.body)).not.toContain(SECRET);
    const mismatch = await api('POST', '/v1/providers', { key: t.key, body: body({ channel: 'sms' }) });
    expect(expectEnvelope(mismatch, 422, 'validation_failed').details![0]!.path).toBe('body.channel');
    expectEnvelope(
      await api('POST', '/v1/providers', { key: t.key, body: body({ provider: 'pigeon' }) }),
      422,
      'validation_failed',
    );
    expectEnvelope(await api('PATCH', '/v1/providers/prv_x', { key: t.key, body: {} }), 422, 'validation_failed');
  });

  it("another tenant's key gets 404 for every provider route, and lists never mix", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const created = await api('POST', '/v1/providers', { key: a.key, body: body() });
    const id = created.body.id;
    expectEnvelope(await api('GET', `/v1/providers/${id}`, { key: b.key }), 404, 'not_found');
    expectEnvelope(
      await api('PATCH', `/v1/providers/${id}`, { key: b.key, body: { enabled: false } }),
      404,
      'not_found',
    );
    expectEnvelope(await api('DELETE', `/v1/providers/${id}`, { key: b.key }), 404, 'not_found');
    expect((await api('GET', '/v1/providers', { key: b.key })).body.data).toEqual([]);
    expect((await api('GET', `/v1/providers/${id}`, { key: a.key })).body.enabled).toBe(true);
    expectEnvelope(await api('DELETE', '/v1/suppressions/email/x%40a.test', { key: b.key }), 404, 'not_found');
  });

  it('managing providers needs admin (403 for read or write keys)', async () => {
    const t = await createTenant();
    const reader = await createKey(t, ['read']);
    expectEnvelope(await api('POST', '/v1/providers', { key: reader.key, body: body() }), 403, 'insufficient_scope');
    expect((await api('GET', '/v1/providers', { key: reader.key })).status).toBe(200);
  });

  it('credentials never appear in any log line, even at debug level, through a send', async () => {
    const t = await createLiveTenant('logs', { smtp: false });
    const apiKey = uniqueAccount('SG.log-secret-');
    const lines: string[] = [];
    for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
    const app = createApp();
    const env = { ...testEnv, LOG_LEVEL: 'debug' };
    const call = async (method: string, path: string, payload: unknown) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`http://api.test${path}`, {
          method,
          headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await call('POST', '/v1/providers', body({ credentials: { apiKey, from: 'a@b.test' } }))).status).toBe(201);
    expect((await call('POST', '/v1/providers', body({ credentials: { apiKey: 'short' } }))).status).toBe(422);
    // A send whose consumer runs here, with debug logging (scheduled, so the real consumer does not take it first).
    const sent = await call('POST', '/v1/notifications', {
      to: { email: 'log-check@example.test' },
      content: { subject: 's', text: 't' },
      sendAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const notification = (await sent.json()) as { deliveries: { id: string }[] };
    const batch = createMessageBatch('notify-default', [
      {
        id: 'log-1',
        timestamp: new Date(),
        attempts: 1,
        body: deliverMessage(t.tenantId, notification.deliveries[0]!.id),
      },
    ]);
    const qctx = createExecutionContext();
    await worker.queue(batch, env as typeof testEnv, qctx);
    expect((await getQueueResult(batch, qctx)).explicitAcks).toEqual(['log-1']);
    expect(lines.some((l) => l.includes('delivery batch'))).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(apiKey);
    expect(lines.join('\n')).not.toContain('log-secret');
  });
});
