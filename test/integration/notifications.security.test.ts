import { describe, expect, it } from 'vitest';
import { api, createKey, createLiveTenant, expectEnvelope } from '../helpers/api';
import { allDeliveries, endpointUrl, scriptEndpoint, uniqueName, waitForNotification } from '../helpers/stand-ins';

describe('tenant isolation for notifications and dead letters', () => {
  it("tenant B's key gets 404 reading or canceling tenant A's notification, and never lists it", async () => {
    const a = await createLiveTenant('A');
    const b = await createLiveTenant('B');
    const res = await api('POST', '/v1/notifications', {
      key: a.key,
      body: {
        to: { webhookUrl: endpointUrl('iso') },
        content: { body: 'x' },
        sendAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    expectEnvelope(await api('GET', `/v1/notifications/${res.body.id}`, { key: b.key }), 404, 'not_found');
    expectEnvelope(await api('POST', `/v1/notifications/${res.body.id}/cancel`, { key: b.key }), 404, 'not_found');
    expect((await api('GET', '/v1/notifications', { key: b.key })).body.data).toEqual([]);
    const stillThere = await api('GET', `/v1/notifications/${res.body.id}`, { key: a.key });
    expect(stillThere.body.deliveries[0].status).toBe('queued');
  });

  it("tenant B cannot list or replay tenant A's dead letters", async () => {
    const a = await createLiveTenant('A');
    const b = await createLiveTenant('B');
    const name = uniqueName('iso-dead');
    await scriptEndpoint(name, [], { status: 500 });
    const res = await api('POST', '/v1/notifications', {
      key: a.key,
      body: { to: { webhookUrl: endpointUrl(name) }, content: { body: 'x' } },
    });
    const dead = await waitForNotification(a.key, res.body.id, allDeliveries('dead_lettered'), 60_000);
    expect((await api('GET', '/v1/dead-letters', { key: b.key })).body.data).toEqual([]);
    const replay = await api('POST', '/v1/dead-letters/replay', { key: b.key, body: { ids: [dead.deliveries[0].id] } });
    expect(replay.body.replayed).toBe(0);
    const byFilter = await api('POST', '/v1/dead-letters/replay', { key: b.key, body: { filter: {} } });
    expect(byFilter.body.replayed).toBe(0);
    const after = await api('GET', `/v1/notifications/${res.body.id}`, { key: a.key });
    expect(after.body.deliveries[0].status).toBe('dead_lettered');
  });

  it("a tenant cannot address another tenant's subscriber by externalId", async () => {
    const a = await createLiveTenant('A');
    const b = await createLiveTenant('B');
    await api('PUT', '/v1/subscribers/vip', { key: a.key, body: { email: 'vip@a.test' } });
    const res = await api('POST', '/v1/notifications', {
      key: b.key,
      body: { to: 'vip', content: { subject: 's', text: 't' } },
    });
    const error = expectEnvelope(res, 422, 'validation_failed');
    expect(error.details![0]).toMatchObject({ code: 'unknown_subscriber' });
  });

  it('scopes: a read-only key cannot send, replay or cancel (403); notifications:write can send', async () => {
    const t = await createLiveTenant();
    const reader = await createKey(t, ['read']);
    const writer = await createKey(t, ['notifications:write']);
    const body = { to: { webhookUrl: endpointUrl('scoped') }, content: { body: 'x' } };
    expectEnvelope(await api('POST', '/v1/notifications', { key: reader.key, body }), 403, 'insufficient_scope');
    expectEnvelope(
      await api('POST', '/v1/notifications/bulk', { key: reader.key, body: { notifications: [body] } }),
      403,
      'insufficient_scope',
    );
    expectEnvelope(
      await api('POST', '/v1/dead-letters/replay', { key: reader.key, body: { ids: ['dlv_x'] } }),
      403,
      'insufficient_scope',
    );
    const sent = await api('POST', '/v1/notifications', { key: writer.key, body });
    expect(sent.status).toBe(202);
    expectEnvelope(
      await api('POST', `/v1/notifications/${sent.body.id}/cancel`, { key: reader.key }),
      403,
      'insufficient_scope',
    );
    expect((await api('GET', `/v1/notifications/${sent.body.id}`, { key: reader.key })).status).toBe(200);
  });
});
