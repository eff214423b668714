import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, testDb } from '../helpers/api';
import { addProvider, appleId, ecPem, jsonStep, scriptProvider, uniqueAccount } from '../helpers/providers';
import { allDeliveries, uniqueName, waitForNotification } from '../helpers/stand-ins';
import { createEndpoint, ofType, waitForEvents } from '../helpers/webhooks';

const badDeviceToken = jsonStep(400, { reason: 'BadDeviceToken' });

async function apnsConfig(key: string) {
  const teamId = appleId();
  const id = await addProvider(key, {
    channel: 'push',
    provider: 'apns',
    name: 'APNs',
    credentials: { teamId, keyId: appleId(), privateKey: await ecPem(), bundleId: 'com.acme.app' },
  });
  return { id, teamId };
}

/** Sends one push to an APNs token and waits until its delivery reaches `status`. */
async function push(key: string, token: string, status: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: { to: { pushTokens: [{ provider: 'apns', token }] }, content: { title: 'Hi', body: 'There' } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return (await waitForNotification(key, res.body.id, allDeliveries(status))).deliveries[0];
}

const suppressedAddresses = async (key: string) =>
  (await api('GET', '/v1/suppressions?channel=push', { key })).body.data.map((s: any) => s.address);

async function healthOf(key: string, configId: string) {
  const res = await api('GET', `/v1/analytics/providers?from=${new Date(Date.now() - 3_600_000).toISOString()}`, {
    key,
  });
  expect(res.status).toBe(200);
  return res.body.data.find((r: any) => r.providerConfigId === configId);
}

/** provider.misconfigured events stored for the tenant: written in the same transaction as the delivery's status. */
async function misconfiguredEvents(tenantId: string) {
  const result = await testDb().execute(
    sql`SELECT data FROM webhook_events WHERE tenant_id = ${tenantId} AND type = 'provider.misconfigured' ORDER BY id`,
  );
  return result.rows.map((r: any) => r.data);
}

describe('provider health: ambiguous answers and account faults', () => {
  it('APNs BadDeviceToken suppresses only once the configuration has delivered with its current credentials', async () => {
    const t = await createLiveTenant('apns-proven', { smtp: false });
    const hook = await createEndpoint(t.key, { events: ['provider.misconfigured'] });
    const { id: configId, teamId } = await apnsConfig(t.key);
    // Hex, as APNs device tokens are (the stand-in judges the path against Apple's documented form).
    const [tokenA, tokenB, tokenC] = [uniqueAccount('a'), uniqueAccount('b'), uniqueAccount('c')];

    // Unproven: the answer may mean a sandbox/production or bundle-id mismatch, so the token is not blamed.
    await scriptProvider('apns', teamId, [badDeviceToken, badDeviceToken]);
    const first = await push(t.key, tokenA, 'failed');
    expect(first.lastError.code).toBe('apns_BadDeviceToken');
    expect(await suppressedAddresses(t.key)).toEqual([]);
    const problem = (await healthOf(t.key, configId)).problem;
    expect(problem).toMatchObject({ code: 'apns_BadDeviceToken', count: 1 });
    expect(problem.lastSeenAt).toBe(problem.firstSeenAt);

    const events = ofType('provider.misconfigured')(
      await waitForEvents(hook.name, hook.secret, (e) => ofType('provider.misconfigured')(e).length >= 1),
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.data).toEqual({
      providerConfigId: configId,
      provider: 'apns',
      channel: 'push',
      code: 'apns_BadDeviceToken',
      message: expect.stringContaining('BadDeviceToken'),
      firstSeenAt: problem.firstSeenAt,
    });

    // The same problem again: counted, no second event.
    await push(t.key, tokenA, 'failed');
    expect(await suppressedAddresses(t.key)).toEqual([]);
    expect((await healthOf(t.key, configId)).problem).toMatchObject({
      code: 'apns_BadDeviceToken',
      count: 2,
      firstSeenAt: problem.firstSeenAt,
    });
    expect(await misconfiguredEvents(t.tenantId)).toHaveLength(1);

    // A success to another token proves the configuration and clears the problem ...
    await push(t.key, tokenB, 'sent');
    expect((await healthOf(t.key, configId)).problem).toBeNull();
    // ... after which BadDeviceToken is the token's own fault.
    await scriptProvider('apns', teamId, [badDeviceToken]);
    await push(t.key, tokenA, 'failed');
    expect(await suppressedAddresses(t.key)).toEqual([`apns:${tokenA}`]);
    expect((await healthOf(t.key, configId)).problem).toBeNull();
    expect(await misconfiguredEvents(t.tenantId)).toHaveLength(1);

    // New credentials have proven nothing: the configuration is blamed again, and the problem is new.
    const patched = await api('PATCH', `/v1/providers/${configId}`, {
      key: t.key,
      body: {
        credentials: {
          teamId,
          keyId: appleId(),
          privateKey: await ecPem(),
          bundleId: 'com.acme.app',
          production: false,
        },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await scriptProvider('apns', teamId, [badDeviceToken]);
    await push(t.key, tokenC, 'failed');
    expect(await suppressedAddresses(t.key)).toEqual([`apns:${tokenA}`]);
    expect((await healthOf(t.key, configId)).problem).toMatchObject({ code: 'apns_BadDeviceToken', count: 1 });
    expect(await misconfiguredEvents(t.tenantId)).toHaveLength(2);
  });

  it('an account fault at one configuration is recorded on it while the next one delivers; its success clears it', async () => {
    const t = await createLiveTenant('account-fault', { smtp: false });
    const from = 'Acme <hello@acme.test>';
    const [broken, working] = [uniqueAccount('SG.broken-'), uniqueAccount('SG.working-')];
    const brokenId = await addProvider(t.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'broken',
      credentials: { apiKey: broken, from },
      priority: 1,
    });
    await addProvider(t.key, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'working',
      credentials: { apiKey: working, from },
      priority: 2,
    });
    const unauthorized = jsonStep(401, { errors: [{ message: 'The provided authorization grant is invalid' }] });
    await scriptProvider('sendgrid', broken, [unauthorized]);
    const to = `${uniqueName('acct')}@example.test`;
    const send = async () => {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: { email: to }, content: { subject: 'Hi', text: 'Hello' } },
      });
      return (await waitForNotification(t.key, res.body.id, allDeliveries('sent'))).deliveries[0];
    };
    expect((await send()).attempts.map((a: any) => a.outcome)).toEqual(['permanent_error', 'sent']);
    const row = await healthOf(t.key, brokenId);
    expect(row).toMatchObject({ provider: 'sendgrid', channel: 'email', attempts: 1, errors: 1 });
    expect(row.problem).toMatchObject({ code: expect.any(String), count: 1 });
    expect(await misconfiguredEvents(t.tenantId)).toEqual([]); // no endpoint: events are stored only for tenants with one
    expect((await api('GET', '/v1/suppressions', { key: t.key })).body.data).toEqual([]);

    // The broken account is fixed (its stand-in answers normally again): the next send through it clears the problem.
    expect((await send()).attempts.map((a: any) => a.outcome)).toEqual(['sent']);
    expect((await healthOf(t.key, brokenId)).problem).toBeNull();
  });

  it("another tenant's provider problems are not shown", async () => {
    const a = await createLiveTenant('health-a', { smtp: false });
    const b = await createLiveTenant('health-b', { smtp: false });
    const { id, teamId } = await apnsConfig(a.key);
    await scriptProvider('apns', teamId, [badDeviceToken]);
    await push(a.key, uniqueAccount('tok'), 'failed');
    expect((await healthOf(a.key, id)).problem).not.toBeNull();
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}`;
    expect((await api('GET', `/v1/analytics/providers?${range}`, { key: b.key })).body.data).toEqual([]);
  });
});
