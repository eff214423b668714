import { describe, expect, it } from 'vitest';
import { discordProvider } from '../../src/channels/chat/discord';
import { slackBotProvider, slackWebhookProvider } from '../../src/channels/chat/slack';
import { teamsProvider } from '../../src/channels/chat/teams';
import { postmarkProvider } from '../../src/channels/email/postmark/send';
import { resendProvider } from '../../src/channels/email/resend/send';
import { sendgridProvider } from '../../src/channels/email/sendgrid/send';
import { sesProvider } from '../../src/channels/email/ses/send';
import { apnsProvider } from '../../src/channels/push/apns';
import { fcmProvider } from '../../src/channels/push/fcm/send';
import { snsProvider } from '../../src/channels/sms/sns';
import { twilioProvider } from '../../src/channels/sms/twilio/send';
import type { OutboundMessage } from '../../src/channels/types';
import { chatWebhookUrl, contextFor, expectContractKept, expectSent } from '../helpers/contracts';
import { outbound } from '../helpers/error-tables';
import { appleId, awsKeyId, ecPem, providerRequests, rsaPem, twilioSid, uniqueAccount } from '../helpers/providers';

// Each provider's real `send` builds its request from a realistic message; the stand-in judges that request
// against the provider's published description (test/fixtures/provider-descriptions/) and refuses it the way the
// provider would if it breaks it. Here every request must be judged and keep the description.

const email = (address: string, content: OutboundMessage['content'] = {}): OutboundMessage => ({
  ...outbound('email', address),
  content: {
    subject: 'Your receipt for order #42',
    html: '<h1>Thanks, Kim</h1><p>Order <b>#42</b> ships today. <a href="https://acme.test/o/42">Track it</a></p>',
    text: 'Thanks, Kim\nOrder #42 ships today: https://acme.test/o/42',
    ...content,
  },
  headers: {
    'List-Unsubscribe': '<https://acme.test/u/tok42>, <mailto:unsubscribe@acme.test?subject=tok42>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
});
/** An image-only HTML email: no text part given and none derivable from the markup. */
const imageOnly = { html: '<img src="https://acme.test/banner.png" alt="">', text: undefined };
const sms = (address: string): OutboundMessage => ({
  ...outbound('sms', address),
  content: { text: 'Your Acme code is 123456. It expires in 10 minutes.' },
});
const push = (address: string, data: Record<string, unknown> = {}): OutboundMessage => ({
  ...outbound('push', address),
  content: { title: 'Price drop', body: 'The jacket on your list is 20% off', data: { sku: 42, colours: ['red'] } },
  data: { orderId: 'o_42', ...data },
});
const blocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Deploy* of `api` finished' } },
  { type: 'context', elements: [{ type: 'mrkdwn', text: 'by kim' }] },
];
const chat = (address: string): OutboundMessage => ({
  ...outbound('chat', address),
  content: { title: 'Deploy', text: 'api 1.4.2 is live', data: { blocks } },
});
const from = 'Acme Receipts <receipts@acme.test>';

describe('email providers keep their published descriptions', () => {
  it('SendGrid (twilio/sendgrid-oai): html + text + List-Unsubscribe headers', async () => {
    const apiKey = uniqueAccount('SG.');
    expectSent(await sendgridProvider.send(email('kim@example.com'), { apiKey, from }, contextFor('sendgrid')));
    await expectContractKept('sendgrid', apiKey);
  });

  it('SendGrid: an image-only HTML email sends no empty text/plain part (content[].value ≥ 1 character)', async () => {
    const apiKey = uniqueAccount('SG.');
    expectSent(
      await sendgridProvider.send(email('kim@example.com', imageOnly), { apiKey, from }, contextFor('sendgrid')),
    );
    await expectContractKept('sendgrid', apiKey);
  });

  it('Resend (resend/resend-openapi): html + text + headers', async () => {
    const apiKey = uniqueAccount('re_');
    expectSent(await resendProvider.send(email('kim@example.com'), { apiKey, from }, contextFor('resend')));
    await expectContractKept('resend', apiKey);
  });

  it("Postmark (Postmark's documented request): html + text + headers", async () => {
    const serverToken = uniqueAccount('pm-');
    const creds = { serverToken, from, messageStream: 'outbound' };
    expectSent(await postmarkProvider.send(email('kim@example.com'), creds, contextFor('postmark')));
    await expectContractKept('postmark', serverToken);
  });

  it('SES v2 SendEmail (botocore model): html + text + tags', async () => {
    const accessKeyId = awsKeyId();
    const creds = { accessKeyId, secretAccessKey: 'y'.repeat(40), region: 'eu-west-1', from };
    expectSent(await sesProvider.send(email('kim@example.com'), creds, contextFor('ses')));
    await expectContractKept('ses', accessKeyId);
  });

  it('SES v2: List-Unsubscribe and List-Unsubscribe-Post travel in Content.Simple.Headers', async () => {
    const accessKeyId = awsKeyId();
    const creds = { accessKeyId, secretAccessKey: 'y'.repeat(40), region: 'eu-west-1', from };
    expectSent(await sesProvider.send(email('kim@example.com'), creds, contextFor('ses')));
    await expectContractKept('ses', accessKeyId);
    const [req] = await providerRequests('ses', accessKeyId);
    expect(JSON.parse(req!.body).Content.Simple.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://acme.test/u/tok42>, <mailto:unsubscribe@acme.test?subject=tok42>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });
});

describe('SMS providers keep their published descriptions', () => {
  it('Twilio Messages (twilio/twilio-oai): From number and status callback', async () => {
    const accountSid = twilioSid();
    const creds = {
      accountSid,
      authToken: 'x'.repeat(32),
      from: '+15005550006',
      statusCallbackUrl: 'https://api.acme.test/v1/inbound-hooks/twilio',
    };
    expectSent(await twilioProvider.send(sms('+14155550100'), creds, contextFor('twilio')));
    await expectContractKept('twilio', accountSid);
  });

  it('Twilio Messages: a messaging service instead of a From number', async () => {
    const accountSid = twilioSid();
    const creds = { accountSid, authToken: 'x'.repeat(32), messagingServiceSid: `MG${'0a'.repeat(16)}` };
    expectSent(await twilioProvider.send(sms('+14155550101'), creds, contextFor('twilio')));
    await expectContractKept('twilio', accountSid);
  });

  it('SNS Publish (botocore model, query protocol): SMS type and sender ID attributes', async () => {
    const accessKeyId = awsKeyId();
    const creds = {
      accessKeyId,
      secretAccessKey: 'y'.repeat(40),
      region: 'us-east-1',
      senderId: 'Acme',
      smsType: 'Transactional' as const,
    };
    expectSent(await snsProvider.send(sms('+14155550102'), creds, contextFor('sns')));
    await expectContractKept('sns', accessKeyId);
  });
});

describe('push providers keep their published descriptions', () => {
  it("FCM v1 (Google's discovery document) and the OAuth service-account JWT (Google's documented claims)", async () => {
    const clientEmail = `${uniqueAccount('svc')}@demo-project.iam.gserviceaccount.com`;
    const creds = {
      serviceAccount: { project_id: 'demo-project', client_email: clientEmail, private_key: await rsaPem() },
    };
    expectSent(await fcmProvider.send(push(`fcm:${'f'.repeat(40)}`), creds, contextFor('fcm')));
    await expectContractKept('google', clientEmail);
    await expectContractKept('fcm', clientEmail);
  });

  it("APNs (Apple's documented request): ES256 provider token, headers and the aps dictionary", async () => {
    const teamId = appleId();
    const creds = { teamId, keyId: appleId(), privateKey: await ecPem(), bundleId: 'com.acme.app', production: true };
    expectSent(await apnsProvider.send(push(`apns:${'ab'.repeat(32)}`), creds, contextFor('apns')));
    await expectContractKept('apns', teamId);
  });

  it('APNs: a data key named aps does not replace the aps dictionary (the alert survives)', async () => {
    const teamId = appleId();
    const creds = { teamId, keyId: appleId(), privateKey: await ecPem(), bundleId: 'com.acme.app', production: true };
    const message = push(`apns:${'cd'.repeat(32)}`, { aps: { badge: 99 } });
    expectSent(await apnsProvider.send(message, creds, contextFor('apns')));
    await expectContractKept('apns', teamId);
    const [req] = await providerRequests('apns', teamId);
    expect(JSON.parse(req!.body).aps.alert).toEqual({
      title: 'Price drop',
      body: 'The jacket on your list is 20% off',
    });
  });
});

describe('chat providers keep their published descriptions', () => {
  it('Slack chat.postMessage (slackapi/slack-api-specs): text and Block Kit blocks', async () => {
    const botToken = `xoxb-${uniqueAccount('bot')}`;
    expectSent(await slackBotProvider.send(chat('slack-channel:C0123ABCDE'), { botToken }, contextFor('slack')));
    await expectContractKept('slack', botToken);
  });

  it("Slack incoming webhook (Slack's documented payload): text and blocks", async () => {
    const hook = `T0ACME/B0ACME/${uniqueAccount('x')}`;
    const url = chatWebhookUrl('slack-webhook', `/services/${hook}`);
    expectSent(await slackWebhookProvider.send(chat(`slack:${url}`), {}, contextFor('slack_webhook')));
    await expectContractKept('slack-webhook', hook.replaceAll('/', '-'));
  });

  it('Discord Execute Webhook (discord/discord-api-spec)', async () => {
    const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    const url = chatWebhookUrl('discord', `/api/webhooks/${id}/tok-${uniqueAccount('d')}`);
    expectSent(await discordProvider.send(chat(`discord:${url}`), {}, contextFor('discord')));
    await expectContractKept('discord', id);
  });

  it('Teams incoming webhook (a message with one Adaptive Card)', async () => {
    const id = uniqueAccount('wf');
    const url = chatWebhookUrl('teams', `/workflows/${id}/triggers/manual/paths/invoke`);
    expectSent(await teamsProvider.send(chat(`teams:${url}`), {}, contextFor('teams')));
    await expectContractKept('teams', id);
  });
});
