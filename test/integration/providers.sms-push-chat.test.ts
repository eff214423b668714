import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import {
  addProvider,
  appleId,
  awsKeyId,
  ecPem,
  jsonStep,
  providerRequests,
  randomPhone,
  rsaPem,
  scriptProvider,
  sendAccepted,
  twilioSid,
} from '../helpers/providers';
import {
  allDeliveries,
  endpointUrl,
  receivedRequests,
  scriptEndpoint,
  uniqueName,
  waitForNotification,
} from '../helpers/stand-ins';

describe('SMS: Twilio', () => {
  it('form-encoded Messages API call with Basic auth; segments recorded; 21211 suppresses the number', async () => {
    const t = await createLiveTenant('sms', { smtp: false });
    const sid = twilioSid();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' },
    });
    const phone = randomPhone();
    const text = 'Your code is 123456. '.repeat(9); // 189 GSM-7 characters → 2 segments
    const id = await sendAccepted(t.key, { to: { phone }, content: { text } });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0]).toMatchObject({ provider: 'twilio', address: phone });
    expect(done.deliveries[0].attempts[0].units).toBe(2);
    const [req] = await providerRequests('twilio', sid);
    expect(req!.rejected).toBe(false);
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({ To: phone, Body: text, From: '+15005550006' });

    await scriptProvider('twilio', sid, [
      jsonStep(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }),
    ]);
    const bad = randomPhone();
    const failedId = await sendAccepted(t.key, { to: { phone: bad }, content: { text: 'hi' } });
    const failed = await waitForNotification(t.key, failedId, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('twilio_21211');
    const suppressions = await api('GET', '/v1/suppressions?channel=sms', { key: t.key });
    expect(suppressions.body.data.map((s: any) => s.address)).toEqual([bad]);
  });

  it('429 with code 20429 is retried', async () => {
    const t = await createLiveTenant('sms', { smtp: false });
    const sid = twilioSid();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'twilio',
      name: 'Twilio',
      credentials: { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' },
    });
    await scriptProvider('twilio', sid, [
      jsonStep(429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'retry-after': '1' }),
    ]);
    const id = await sendAccepted(t.key, { to: { phone: randomPhone() }, content: { text: 'hi' } });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.error?.code ?? a.outcome)).toEqual(['twilio_20429', 'sent']);
  });
});

describe('SMS: Amazon SNS', () => {
  it('SigV4-signed Publish; Throttling (400) is retried', async () => {
    const t = await createLiveTenant('sns', { smtp: false });
    const accessKeyId = awsKeyId();
    await addProvider(t.key, {
      channel: 'sms',
      provider: 'sns',
      name: 'SNS',
      credentials: { accessKeyId, secretAccessKey: 'y'.repeat(40), region: 'us-east-1' },
    });
    await scriptProvider('sns', accessKeyId, [
      {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
      },
    ]);
    const phone = randomPhone();
    const id = await sendAccepted(t.key, { to: { phone }, content: { body: 'Ship it' } });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.error?.code ?? a.outcome)).toEqual(['sns_Throttling', 'sent']);
    expect(done.deliveries[0].providerMessageId).toMatch(/^sns-/);
    const [req] = await providerRequests('sns', accessKeyId);
    const form = Object.fromEntries(new URLSearchParams(req!.body));
    expect(form).toMatchObject({
      Action: 'Publish',
      PhoneNumber: phone,
      Message: 'Ship it',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
    });
  });
});

describe('push: FCM HTTP v1', () => {
  it('service-account JWT → OAuth token (cached) → messages:send; UNREGISTERED suppresses the token', async () => {
    const t = await createLiveTenant('fcm', { smtp: false });
    const clientEmail = `${uniqueName('svc')}@demo-project.iam.gserviceaccount.com`;
    await addProvider(t.key, {
      channel: 'push',
      provider: 'fcm',
      name: 'FCM',
      credentials: {
        serviceAccount: { project_id: 'demo-project', client_email: clientEmail, private_key: await rsaPem() },
      },
    });
    const token = `tok${uniqueName('a').replace('-', '')}`;
    const id = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'fcm', token }] },
      content: { title: 'Price drop', body: '20% off', data: { sku: 42 } },
    });
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const id2 = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'fcm', token }] },
      content: { title: 'Again' },
    });
    await waitForNotification(t.key, id2, allDeliveries('sent'));
    expect(await providerRequests('google', clientEmail)).toHaveLength(1); // the access token was reused
    const sends = await providerRequests('fcm', clientEmail);
    expect(sends).toHaveLength(2);
    expect(sends[0]!.path).toBe('/p/fcm/v1/projects/demo-project/messages:send');
    expect(JSON.parse(sends[0]!.body).message).toMatchObject({
      token,
      notification: { title: 'Price drop', body: '20% off' },
      data: { sku: '42' },
    });

    await scriptProvider('fcm', clientEmail, [
      jsonStep(404, { error: { code: 404, status: 'NOT_FOUND', details: [{ errorCode: 'UNREGISTERED' }] } }),
    ]);
    const id3 = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'fcm', token }] },
      content: { title: 'Gone' },
    });
    const failed = await waitForNotification(t.key, id3, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('fcm_UNREGISTERED');
    expect((await api('GET', '/v1/suppressions?channel=push', { key: t.key })).body.data[0].address).toBe(
      `fcm:${token}`,
    );
  });
});

describe('push: APNs', () => {
  it('ES256 provider token, topic and push type headers; BadDeviceToken fails the delivery', async () => {
    const t = await createLiveTenant('apns', { smtp: false });
    const teamId = appleId();
    await addProvider(t.key, {
      channel: 'push',
      provider: 'apns',
      name: 'APNs',
      credentials: { teamId, keyId: appleId(), privateKey: await ecPem(), bundleId: 'com.acme.app' },
    });
    const id = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'apns', token: 'abc123' }] },
      content: { title: 'Hi', body: 'There' },
    });
    await waitForNotification(t.key, id, allDeliveries('sent'));
    const [req] = await providerRequests('apns', teamId);
    expect(req!.rejected).toBe(false);
    expect(req!.headers['apns-topic']).toBe('com.acme.app');
    expect(JSON.parse(req!.body).aps.alert).toEqual({ title: 'Hi', body: 'There' });

    await scriptProvider('apns', teamId, [jsonStep(400, { reason: 'BadDeviceToken' })]);
    const id2 = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'apns', token: 'def456' }] },
      content: { title: 'x' },
    });
    const failed = await waitForNotification(t.key, id2, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('apns_BadDeviceToken');
  });

  it('a push token with no matching provider fails with a clear reason', async () => {
    const t = await createLiveTenant('nopush', { smtp: false });
    const id = await sendAccepted(t.key, {
      to: { pushTokens: [{ provider: 'apns', token: 'zzz' }] },
      content: { title: 'x' },
    });
    const failed = await waitForNotification(t.key, id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('no_provider_configured');
  });
});

describe('chat', () => {
  it('Slack incoming webhook with Block Kit passthrough, Discord and Teams webhooks', async () => {
    const t = await createLiveTenant('chat', { smtp: false });
    const [slack, discord, teams] = [uniqueName('slack'), uniqueName('discord'), uniqueName('teams')];
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy* finished' } }];
    const id = await sendAccepted(t.key, {
      to: {
        slack: { webhookUrl: endpointUrl(slack) },
        discord: { webhookUrl: endpointUrl(discord) },
        teams: { webhookUrl: endpointUrl(teams) },
      },
      content: { title: 'Deploy', text: 'finished', data: { blocks } },
    });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries.map((d: any) => d.provider).sort()).toEqual(['discord', 'slack_webhook', 'teams']);
    expect(JSON.parse((await receivedRequests(slack))[0]!.body)).toEqual({ text: 'Deploy\nfinished', blocks });
    const discordReq = (await receivedRequests(discord))[0]!;
    expect(discordReq.path).toContain(discord);
    expect(JSON.parse(discordReq.body)).toMatchObject({ content: 'Deploy\nfinished' });
    const card = JSON.parse((await receivedRequests(teams))[0]!.body);
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('Slack chat.postMessage with a bot token; channel_not_found (200, ok:false) fails the delivery', async () => {
    const t = await createLiveTenant('slackbot', { smtp: false });
    const botToken = `xoxb-${uniqueName('bot')}`;
    await addProvider(t.key, { channel: 'chat', provider: 'slack', name: 'Slack bot', credentials: { botToken } });
    const id = await sendAccepted(t.key, { to: { slack: { channelId: 'C123' } }, content: { text: 'hello' } });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0].provider).toBe('slack');
    expect(JSON.parse((await providerRequests('slack', botToken))[0]!.body)).toMatchObject({
      channel: 'C123',
      text: 'hello',
    });

    await scriptProvider('slack', botToken, [jsonStep(200, { ok: false, error: 'channel_not_found' })]);
    const id2 = await sendAccepted(t.key, { to: { slack: { channelId: 'C999' } }, content: { text: 'x' } });
    const failed = await waitForNotification(t.key, id2, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('slack_channel_not_found');
  });

  it('Discord 429 with retry_after is retried; unknown webhook (404) fails', async () => {
    const t = await createLiveTenant('discord', { smtp: false });
    const name = uniqueName('discord');
    await scriptEndpoint(name, [
      {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1, global: false }),
      },
    ]);
    const id = await sendAccepted(t.key, {
      to: { discord: { webhookUrl: endpointUrl(name) } },
      content: { text: 'x' },
    });
    const done = await waitForNotification(t.key, id, allDeliveries('sent'));
    expect(done.deliveries[0].attempts.map((a: any) => a.outcome)).toEqual(['retryable_error', 'sent']);
    const gone = uniqueName('gone');
    await scriptEndpoint(gone, [], {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Unknown Webhook', code: 10015 }),
    });
    const id2 = await sendAccepted(t.key, {
      to: { discord: { webhookUrl: endpointUrl(gone) } },
      content: { text: 'x' },
    });
    const failed = await waitForNotification(t.key, id2, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('discord_10015');
  });
});
