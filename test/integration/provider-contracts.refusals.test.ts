import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { chatWebhookUrl, expectViolationRecorded } from '../helpers/contracts';
import { appleId, awsKeyId, ecPem, rsaPem, twilioSid, uniqueAccount } from '../helpers/providers';
import { TEST_PROVIDER_BASE_URLS } from '../test-db';

// For each vendored description, one request that breaks it, sent with plain fetch: the stand-in must refuse it in
// the provider's own error shape and record the violation, so a judge that accepts everything cannot pass.

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, { method: 'POST', headers, body });
const jsonHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });
const formHeaders = (extra: Record<string, string> = {}) => ({
  'content-type': 'application/x-www-form-urlencoded',
  ...extra,
});
/** The shape of a SigV4 Authorization header (the stand-in reads the access key from it; no signature is checked). */
const sigV4 = (keyId: string, region: string, service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${keyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  'x-amz-date': '20260101T000000Z',
});
const base = TEST_PROVIDER_BASE_URLS;
/** A provider error body, read field by field. */
const bodyOf = async (res: Response): Promise<any> => res.json();
const now = () => Math.floor(Date.now() / 1000);

describe('a request that breaks the published description is refused and recorded', () => {
  it('SendGrid: a content part with an empty value → 400 { errors }', async () => {
    const apiKey = uniqueAccount('SG.');
    const res = await post(
      `${base.sendgrid}/v3/mail/send`,
      jsonHeaders({ authorization: `Bearer ${apiKey}` }),
      JSON.stringify({
        personalizations: [{ to: [{ email: 'kim@example.com' }] }],
        from: { email: 'hi@acme.test' },
        subject: 'Hi',
        content: [
          { type: 'text/plain', value: '' },
          { type: 'text/html', value: '<img src="x">' },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).errors[0].message).toMatch(/contract: \/content\/0\/value/);
    await expectViolationRecorded('sendgrid', apiKey, /\/content\/0\/value must NOT have fewer than 1 characters/);
  });

  it('Resend: `to` with more than 50 recipients → 422 validation_error', async () => {
    const apiKey = uniqueAccount('re_');
    const to = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
    const res = await post(
      `${base.resend}/emails`,
      jsonHeaders({ authorization: `Bearer ${apiKey}` }),
      JSON.stringify({ from: 'hi@acme.test', to, subject: 'Hi', text: 'x' }),
    );
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toMatchObject({ name: 'validation_error' });
    await expectViolationRecorded('resend', apiKey, /^\/to /);
  });

  it('Postmark: an undocumented TrackLinks value → 422 ErrorCode 300', async () => {
    const token = uniqueAccount('pm-');
    const headers = jsonHeaders({ accept: 'application/json', 'x-postmark-server-token': token });
    const res = await post(
      `${base.postmark}/email`,
      headers,
      JSON.stringify({ From: 'hi@acme.test', To: 'kim@example.com', TextBody: 'x', TrackLinks: 'Always' }),
    );
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toMatchObject({ ErrorCode: 300 });
    await expectViolationRecorded('postmark', token, /\/TrackLinks must be equal to one of the allowed values/);
  });

  it('SES v2: a header name with a colon (MessageHeaderName pattern) → 400 BadRequestException', async () => {
    const keyId = awsKeyId();
    const res = await post(
      `${base.ses}/v2/email/outbound-emails`,
      jsonHeaders(sigV4(keyId, 'eu-west-1', 'ses')),
      JSON.stringify({
        FromEmailAddress: 'hi@acme.test',
        Destination: { ToAddresses: ['kim@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Hi' },
            Body: { Text: { Data: 'x' } },
            Headers: [{ Name: 'List:Unsubscribe', Value: '<https://x>' }],
          },
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    await expectViolationRecorded('ses', keyId, /\/Content\/Simple\/Headers\/0\/Name must match/);
  });

  it('SNS Publish: a parameter Publish does not have → 400 InvalidParameter', async () => {
    const keyId = awsKeyId();
    const form = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: '+14155550100',
      Message: 'hi',
      SmsType: 'Transactional',
    });
    const res = await post(`${base.sns}/`, formHeaders(sigV4(keyId, 'us-east-1', 'sns')), form.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>InvalidParameter</Code>');
    await expectViolationRecorded('sns', keyId, /SmsType is not a parameter of Publish/);
  });

  it('Twilio: a malformed MessagingServiceSid and StatusCallback → 400', async () => {
    const sid = twilioSid();
    const form = new URLSearchParams({
      To: '+14155550100',
      Body: 'hi',
      MessagingServiceSid: 'MG123',
      StatusCallback: 'not a url',
    });
    const res = await post(
      `${base.twilio}/2010-04-01/Accounts/${sid}/Messages.json`,
      formHeaders({ authorization: `Basic ${btoa(`${sid}:${'x'.repeat(32)}`)}` }),
      form.toString(),
    );
    expect(res.status).toBe(400);
    await expectViolationRecorded('twilio', sid, /\/MessagingServiceSid must match pattern/);
  });

  it('Google OAuth: an assertion living two hours (the documented maximum is one) → 400 invalid_grant', async () => {
    const iss = `${uniqueAccount('svc')}@demo-project.iam.gserviceaccount.com`;
    const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/firebase.messaging' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(iss)
      .setAudience('https://oauth2.googleapis.com/token')
      .setIssuedAt(now())
      .setExpirationTime(now() + 7200)
      .sign(await importPKCS8(await rsaPem(), 'RS256'));
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    const res = await post(`${base.google}/token`, formHeaders(), form.toString());
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({ error: 'invalid_grant' });
    await expectViolationRecorded('google', iss, /exp is more than 3600 s after iat/);
  });

  it('FCM: a data value that is not a string → 400 INVALID_ARGUMENT', async () => {
    const account = uniqueAccount('svc');
    const body = { message: { token: 'f'.repeat(40), notification: { title: 'x' }, data: { sku: 42 } } };
    const res = await post(
      `${base.fcm}/v1/projects/demo/messages:send`,
      jsonHeaders({ authorization: `Bearer ya29.${account}` }),
      JSON.stringify(body),
    );
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.status).toBe('INVALID_ARGUMENT');
    await expectViolationRecorded('fcm', account, /\/message\/data\/sku must be string/);
  });

  it('APNs: an undocumented apns-priority and a custom key inside aps → 400 BadPriority', async () => {
    const teamId = appleId();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: appleId() })
      .setIssuer(teamId)
      .setIssuedAt()
      .sign(await importPKCS8(await ecPem(), 'ES256'));
    const headers = jsonHeaders({
      authorization: `bearer ${token}`,
      'apns-topic': 'com.acme.app',
      'apns-push-type': 'alert',
      'apns-priority': '7',
    });
    const res = await post(
      `${base.apns}/3/device/${'ab'.repeat(32)}`,
      headers,
      JSON.stringify({ aps: { alert: 'hi', orderId: 'o1' } }),
    );
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).reason).toBe('BadPriority');
    await expectViolationRecorded('apns', teamId, /payload\/aps must NOT have additional properties \(orderId\)/);
  });

  it('Slack chat.postMessage: a block without a type → ok:false invalid_arguments', async () => {
    const botToken = `xoxb-${uniqueAccount('bot')}`;
    const res = await post(
      `${base.slack}/api/chat.postMessage`,
      jsonHeaders({ authorization: `Bearer ${botToken}` }),
      JSON.stringify({ channel: 'C0123ABCDE', text: 'x', blocks: [{ text: 'no type' }] }),
    );
    expect(await bodyOf(res)).toMatchObject({ ok: false, error: 'invalid_arguments' });
    await expectViolationRecorded('slack', botToken, /\/blocks\/0 must have required property 'type'/);
  });

  it('Slack incoming webhook: neither text nor blocks → 400 invalid_payload', async () => {
    const hook = `T0ACME/B0ACME/${uniqueAccount('x')}`;
    const res = await post(
      chatWebhookUrl('slack-webhook', `/services/${hook}`),
      jsonHeaders(),
      JSON.stringify({ mrkdwn: true }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid_payload');
    await expectViolationRecorded('slack-webhook', hook.replaceAll('/', '-'), /must have required property 'text'/);
  });

  it('Discord Execute Webhook: content over 2000 characters → 400 code 50035', async () => {
    const id = String(Date.now());
    const res = await post(
      chatWebhookUrl('discord', `/api/webhooks/${id}/tok`),
      jsonHeaders(),
      JSON.stringify({ content: 'x'.repeat(2001) }),
    );
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({ code: 50035 });
    await expectViolationRecorded('discord', id, /\/content must NOT have more than 2000 characters/);
  });

  it('Teams incoming webhook: an attachment that is not an Adaptive Card → 400', async () => {
    const id = uniqueAccount('wf');
    const body = {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { title: 'x' } }],
    };
    const res = await post(chatWebhookUrl('teams', `/workflows/${id}/triggers`), jsonHeaders(), JSON.stringify(body));
    expect(res.status).toBe(400);
    await expectViolationRecorded('teams', id, /\/attachments\/0\/contentType must be equal to constant/);
  });
});
