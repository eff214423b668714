import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deliveries, notifications } from '../../src/db/schema';
import { api, createLiveTenant, expectEnvelope, testDb } from '../helpers/api';
import { endpointUrl } from '../helpers/stand-ins';

async function nothingWritten(tenantId: string) {
  const db = testDb();
  expect(await db.select().from(notifications).where(eq(notifications.tenantId, tenantId))).toEqual([]);
  expect(await db.select().from(deliveries).where(eq(deliveries.tenantId, tenantId))).toEqual([]);
}

const hook = { webhookUrl: endpointUrl('errors') };

describe('send validation: a clear 4xx and nothing written', () => {
  it.each([
    ['unknown channel', { to: hook, channels: ['pigeon'], content: { body: 'x' } }, 'body.channels'],
    ['empty to', { to: [], content: { body: 'x' } }, 'body.to'],
    ['bad inline email', { to: { email: 'not-an-email' }, content: { subject: 's', text: 't' } }, 'body.to'],
    ['inline recipient without an address', { to: { name: 'Ada' }, content: { body: 'x' } }, 'body.to'],
    [
      'more than 100 recipients',
      { to: Array.from({ length: 101 }, (_, i) => `u${i}`), content: { body: 'x' } },
      'body.to',
    ],
    ['unknown template', { to: hook, template: 'welcome' }, 'body.template'],
    ['neither content nor template', { to: hook }, 'body.content'],
    ['unknown priority', { to: hook, content: { body: 'x' }, priority: 'urgent' }, 'body.priority'],
    ['sendAt not a timestamp', { to: hook, content: { body: 'x' }, sendAt: 'tomorrow' }, 'body.sendAt'],
    ['sendAt beyond the horizon', { to: hook, content: { body: 'x' }, sendAt: '2099-01-01T00:00:00Z' }, 'body.sendAt'],
    ['sendAt in the past', { to: hook, content: { body: 'x' }, sendAt: '2020-01-01T00:00:00Z' }, 'body.sendAt'],
    ['email without a subject', { to: { email: 'a@b.test' }, content: { text: 'x' } }, 'body.content.subject'],
    ['duplicate channels', { to: hook, channels: ['webhook', 'webhook'], content: { body: 'x' } }, 'body.channels'],
    ['unknown field', { to: hook, content: { body: 'x' }, colour: 'red' }, 'body'],
    ['unknown subscriber', { to: 'ghost', content: { body: 'x' } }, 'body.to'],
    [
      'a channel nobody can receive',
      { to: hook, channels: ['email'], content: { subject: 's', text: 't' } },
      'body.to',
    ],
  ])('%s → 422', async (_name, body, path) => {
    const t = await createLiveTenant();
    const error = expectEnvelope(
      await api('POST', '/v1/notifications', { key: t.key, body }),
      422,
      'validation_failed',
    );
    expect(error.details!.some((d) => d.path?.startsWith(path))).toBe(true);
    await nothingWritten(t.tenantId);
  });

  it('bulk: 1,001 items → 422 and nothing written; empty list → 422', async () => {
    const t = await createLiveTenant();
    const item = { to: hook, content: { body: 'x' } };
    const tooMany = await api('POST', '/v1/notifications/bulk', {
      key: t.key,
      body: { notifications: Array.from({ length: 1001 }, () => item) },
    });
    expectEnvelope(tooMany, 422, 'validation_failed');
    expectEnvelope(
      await api('POST', '/v1/notifications/bulk', { key: t.key, body: { notifications: [] } }),
      422,
      'validation_failed',
    );
    await nothingWritten(t.tenantId);
  });

  it('malformed JSON, wrong content type and bad list filters are 4xx envelopes', async () => {
    const t = await createLiveTenant();
    expectEnvelope(
      await api('POST', '/v1/notifications', {
        key: t.key,
        rawBody: '{"to":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_json',
    );
    expectEnvelope(
      await api('POST', '/v1/notifications', {
        key: t.key,
        rawBody: 'to=x',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    expectEnvelope(await api('GET', '/v1/notifications?status=lost', { key: t.key }), 422, 'validation_failed');
    expectEnvelope(await api('GET', '/v1/notifications?from=yesterday', { key: t.key }), 422, 'validation_failed');
    expectEnvelope(await api('GET', '/v1/notifications/ntf_nope', { key: t.key }), 404, 'not_found');
    expectEnvelope(await api('POST', '/v1/dead-letters/replay', { key: t.key, body: {} }), 422, 'validation_failed');
    expectEnvelope(
      await api('POST', '/v1/dead-letters/replay', { key: t.key, body: { ids: [] } }),
      422,
      'validation_failed',
    );
    await nothingWritten(t.tenantId);
  });
});
