import { describe, expect, it } from 'vitest';
import { slackBotProvider } from '../../src/channels/chat/slack';
import { apnsProvider } from '../../src/channels/push/apns';
import { api, createLiveTenant } from '../helpers/api';
import { outbound, standInContextFor } from '../helpers/error-tables';
import {
  addProvider,
  appleId,
  ecPem,
  jsonStep,
  providerRequests,
  randomPhone,
  scriptProvider,
  sendAccepted,
  twilioSid,
} from '../helpers/providers';
import { allDeliveries, waitForNotification } from '../helpers/stand-ins';

/** Issue 20 findings 1, 5, 6 and 10: account-side answers never suppress; our APNs alert survives push data. */

async function apnsAccount() {
  const teamId = appleId();
  const credentials = {
    teamId,
    keyId: appleId(),
    privateKey: await ecPem(),
    bundleId: 'com.acme.app',
    production: true,
  };
  return { teamId, credentials };
}

describe('issue 20: messaging providers', () => {
  it('finding 1: Twilio 21408 (Geo Permissions) fails the delivery as an account fault and suppresses nobody', async () => {
    const t = await createLiveTenant('geo', { smtp: false });
    const sid = twilioSid();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' },
    });
    await scriptProvider('twilio', sid, [
      jsonStep(400, {
        code: 21408,
        message: 'Permission to send an SMS has not been enabled for the region indicated by the To number',
        more_info: 'https://www.twilio.com/docs/api/errors/21408',
        status: 400,
      }),
    ]);
    const phone = randomPhone();
    const id = await sendAccepted(t.key, { to: { phone }, content: { text: 'Your code is 123456' } });
    const failed = await waitForNotification(t.key, id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('twilio_21408');
    const suppressions = await api('GET', '/v1/suppressions?channel=sms', { key: t.key });
    expect(suppressions.body.data).toEqual([]);
  });

  it.each(['BadDeviceToken', 'DeviceTokenNotForTopic'])(
    'finding 5: APNs %s suppresses only if proven (it also means an environment or bundle-id mismatch)',
    async (reason) => {
      const { teamId, credentials } = await apnsAccount();
      await scriptProvider('apns', teamId, [jsonStep(400, { reason })]);
      const result = await apnsProvider.send(outbound('push', 'apns:abc123'), credentials, standInContextFor('apns'));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: `apns_${reason}`, retryable: false, suppressIfProven: true });
      expect(result.error.invalidRecipient).toBeUndefined();
    },
  );

  it('finding 6: Slack rate_limited (chat.postMessage) is retried, not failed', async () => {
    const t = await createLiveTenant('slackrate', { smtp: false });
    const botToken = `xoxb-${crypto.randomUUID()}`;
    await addProvider(t.key, { channel: 'chat', provider: 'slack', name: 'Slack bot', credentials: { botToken } });
    await scriptProvider('slack', botToken, [jsonStep(200, { ok: false, error: 'rate_limited' })]);
    const id = await sendAccepted(t.key, { to: { slack: { channelId: 'C123' } }, content: { text: 'deploy done' } });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.error?.code ?? a.outcome)).toEqual([
      'slack_rate_limited',
      'sent',
    ]);
  });

  it('finding 6: Slack 429 ratelimited is retried after its Retry-After', async () => {
    const botToken = `xoxb-${crypto.randomUUID()}`;
    await scriptProvider('slack', botToken, [
      jsonStep(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' }),
    ]);
    const result = await slackBotProvider.send(
      outbound('chat', 'slack-channel:C123'),
      { botToken },
      standInContextFor('slack'),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'slack_ratelimited', retryable: true, retryAfterSeconds: 30 },
    });
  });

  it("finding 10: a push data key named 'aps' cannot replace the APNs aps dictionary", async () => {
    const { teamId, credentials } = await apnsAccount();
    const message = {
      ...outbound('push', 'apns:def456'),
      data: { aps: { alert: 'replaced', badge: 9 }, sku: 42 },
    };
    const result = await apnsProvider.send(message, credentials, standInContextFor('apns'));
    expect(result.ok).toBe(true);
    const [req] = await providerRequests('apns', teamId);
    const payload = JSON.parse(req!.body);
    expect(payload.aps).toEqual({ alert: { title: 'Hello', body: 'Hi' }, sound: 'default' });
    expect(payload.sku).toBe('42');
  });
});
