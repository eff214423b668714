import { Webhook } from 'standardwebhooks';
import { productionAwsUrlCheck } from '../../src/channels/email/ses/sns-envelope';
import { encodeBase64 } from '../../src/channels/receipts/base64';
import { p1363ToDer } from '../../src/channels/receipts/der';
import type { ReceiptContext, ReceiptRequest } from '../../src/channels/receipts/types';

/**
 * Builds inbound delivery-receipt requests signed the way each provider signs them, for unit tests (convert with
 * `toReceiptRequest`) and integration tests (send `url`/`method`/`headers`/`body` through the worker).
 * The signing code here is written from each provider's documentation independently of the receipt parsers in
 * src/channels, so a test passing means the two readings agree, not that one function was called twice.
 */

export interface HookRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** A HookRequest as the verifiers take it. */
export function toReceiptRequest(r: HookRequest): ReceiptRequest {
  return { url: r.url, method: r.method, headers: new Headers(r.headers), body: r.body };
}

const encoder = new TextEncoder();
const hex = (n: number) =>
  [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

function pemBody(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// ── Amazon SNS (SES events) ─────────────────────────────────────────────────────────────────────────────────

/**
 * TEST-ONLY self-signed RSA-2048 certificate and its PKCS#8 key (`openssl req -x509 -newkey rsa:2048 -nodes
 * -subj "/CN=sns.test.amazonaws.com/O=notifykit test only"`). They stand in for an SNS signing certificate; they
 * protect nothing and must never be trusted outside tests.
 */
export const SNS_TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIDYTCCAkmgAwIBAgIUOKL+Nm7Gq9WsaJbeYdVpYE8ZVpwwDQYJKoZIhvcNAQEL
BQAwPzEfMB0GA1UEAwwWc25zLnRlc3QuYW1hem9uYXdzLmNvbTEcMBoGA1UECgwT
bm90aWZ5a2l0IHRlc3Qgb25seTAgFw0yNjExMjEyMjUxNDZaGA8yMTI2MTAyODIy
NTE0NlowPzEfMB0GA1UEAwwWc25zLnRlc3QuYW1hem9uYXdzLmNvbTEcMBoGA1UE
CgwTbm90aWZ5a2l0IHRlc3Qgb25seTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCC
AQoCggEBAKf8vdUo7ku7nf0ziEJBMlDx3EKBfBGWaV1FhVQXPujuEqGZTbZzZcAG
PySBHCFu+ii5NhdOJH7ma6ackmy9bPw1nY2wy0Lxo5ohIn6JzBsX36gpyDb5SrHs
BsBYvzTCEKtOG5UFGY9IDKGxgQJpwiSZ3IAWxJ/qtytPgQYSXDWTnbmzV11wcKQs
/+KkBzsg4/VVN2PDPMWbX7zAFuH63f7AUG910CIcL1GfClLEBORb7pkzB7lZqMpd
9dc7iNiPrtcIJ57DEVx0s5Pdn0HtadVVo3M4DDGIvjWQUC93LdATaa2Lc4h6yUhu
eJtGmfe3ci8U3Dn04RoeQeMo8ZOo2TUCAwEAAaNTMFEwHQYDVR0OBBYEFDLIUb/k
K9I4u4fmm4TNkK1OY/vYMB8GA1UdIwQYMBaAFDLIUb/kK9I4u4fmm4TNkK1OY/vY
MA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAIDz2RBwkKRNM1Us
1UKLyJId1HzU3UR4QvHTriDlARDHYpT93Q77vH6b0n9G18vxgWbu6kv9nrwj89Je
f+k7Utu1quRS9phcSxuFfY7DdP7JPrH3OAgS/yJU8ARrp5nRZg6L2ohaJsoEq4L2
qTfFEJ/OQTHKNSUAkCn0ITs5Ifl+9RgJY2R40YTbmJj/UQfOYWAGNGpcBXV7cTzn
cHsfojly9Getxsch7aF5hx/sFVB79/6ooV91M8KPQBddPGZzjgZX1wCWMvM4caeD
Y9cm55sHfhdLlHeFCB2r9BBoW8W/aVXdLzMbByAn0UinkIejAqqK9qnioUeBEiJK
faze14w=
-----END CERTIFICATE-----
`;
const SNS_TEST_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCn/L3VKO5Lu539
M4hCQTJQ8dxCgXwRlmldRYVUFz7o7hKhmU22c2XABj8kgRwhbvoouTYXTiR+5mum
nJJsvWz8NZ2NsMtC8aOaISJ+icwbF9+oKcg2+Uqx7AbAWL80whCrThuVBRmPSAyh
sYECacIkmdyAFsSf6rcrT4EGElw1k525s1ddcHCkLP/ipAc7IOP1VTdjwzzFm1+8
wBbh+t3+wFBvddAiHC9RnwpSxATkW+6ZMwe5WajKXfXXO4jYj67XCCeewxFcdLOT
3Z9B7WnVVaNzOAwxiL41kFAvdy3QE2mti3OIeslIbnibRpn3t3IvFNw59OEaHkHj
KPGTqNk1AgMBAAECggEAIv37PxFBHiZtQQaAfiidhg3zbykQwosd1I98N+mFsbiR
yfaooPZFviuu8Hgyd2ZqFpyJ/23IHWT7DKA1wg/tSVYTxSWMGZxDE4KOcGRcz1H4
RUu6yHTCUfCT8XIrFh7MoRpqlW6UBewgsXfLo0iLZ9ti+o2DlLosQInVmwGtEn2g
FSS9vhCRDZzm2c0pyXpzfr8i5E8JM7s7dNrkX4NqWaVLnhWZ2OebdV9Nj9Ir9AJq
rkuSsOPU0Pqv0vvxBVO7mTbBeJmxvx/vAj2dBuTr9noXGIRCPBJvbGBg8CY05GU/
S6rxgIHm8lp7Z/nERxqvT9iGH2YnA6uqetRW5fPZmwKBgQDibgpWDR/5yPDdAt3L
yySJwyD0y+6dtXiC3bD+WCiH7IudoBPHXmNFD0geuV+5nGFeAojHIl7Vxqu6p/WA
QcofAlhmxQjce+PBKzn/Q/nJy9Kf0CrUEVqa3YFprClvxQSOLIKOijSyMlNIbu6Q
/J/6GLJfFAUWXjgCmHdmXCBNuwKBgQC97NwxOH4pdhzgX7aQEwQDYxIb9F2/uZNn
CcoXeKOPhK/vYgrTsd7rbBPmaWsfzNCOOyqwRWWDSqpBdES665zcY5L2+RQXGgLb
SJuJoSV7PLu4b/QpQhTjTFw/qW8ol9SgldFDEPGXmhjeDB+yoL4knpGO6urXx5j7
6f/jN46NzwKBgCqNO2wIc2XhmUIvc7cEqg0pmlvmpyUEIW2Wc9iYgKVqkqJAnvbs
igNEZ+0+MPsUpEeieknR77iE6Wjef4hm1LEXI73McWnd7mMy2GdcQujlYOOfnyzT
Rg+saNGPBQp4H+8H9lELL/P8+SG3lyWwE/BQC9VKUdpuQmBafrXBwmBZAoGBAKgE
N1NPz8RsGeWgpsfUGrPIXAfg6WKoEC+SKHcVIVTgpCfYiw12CGgqR3yJe9w4+7Mn
wn8IFWLNlcqryfW2ZCFP8X6NIOnC+A33sKlTpu3b75GdcNli/UmLjvw+rvixQMgD
YYm8Ho3oI+GjxhLnQu7wXIKbbcAQclVBUD85MeJfAoGAeD9lH3202UkEcxj/0xYq
tLFnglu6p8oc4y8gPB7RL3LzJ92C3ppweQ27yAfo7wZ39FxV80hBO1QPmS8kEhqT
TKHBgAz2stCNijaZjbSbmpGI1cwnDqMvE8UCX16e0xEokg+jqCdWISjp8/T9kW+f
TYg4n+f0rTEeC5oWHvXsZKI=
-----END PRIVATE KEY-----
`;

/** A fetch that serves SNS_TEST_CERT_PEM for any URL and records what was asked for. */
export function snsCertFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const fake = async (input: RequestInfo | URL) => {
    calls.push(input instanceof Request ? input.url : String(input));
    return new Response(SNS_TEST_CERT_PEM, { headers: { 'content-type': 'application/x-x509-ca-cert' } });
  };
  return { fetch: fake as typeof fetch, calls };
}

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsSignOptions {
  type?: SnsType;
  /** Where the verifier will fetch the certificate (SNS_TEST_CERT_PEM must be served there). */
  certUrl: string;
  /** "1" = SHA1withRSA, "2" = SHA256withRSA (default). */
  signatureVersion?: '1' | '2';
  subject?: string;
  topicArn?: string;
  messageId?: string;
  /** Confirmations only; defaults to a ConfirmSubscription URL on the certificate's origin. */
  subscribeUrl?: string;
  timestamp?: Date;
}

/**
 * An SNS HTTP(S) delivery of `message` (an object is JSON-encoded, as SES does; a string is sent as is), signed
 * per https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html.
 */
export async function signedSnsRequest(
  url: string,
  message: object | string,
  opts: SnsSignOptions,
): Promise<HookRequest> {
  const type = opts.type ?? 'Notification';
  const version = opts.signatureVersion ?? '2';
  const topicArn = opts.topicArn ?? 'arn:aws:sns:us-east-1:123456789012:ses-events';
  const token = hex(64);
  const envelope: Record<string, string> = {
    Type: type,
    MessageId: opts.messageId ?? crypto.randomUUID(),
    TopicArn: topicArn,
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: (opts.timestamp ?? new Date()).toISOString(),
  };
  if (type === 'Notification') {
    if (opts.subject !== undefined) envelope.Subject = opts.subject;
  } else {
    envelope.Token = token;
    envelope.SubscribeURL =
      opts.subscribeUrl ??
      `${new URL(opts.certUrl).origin}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
  }
  // AWS signs "name\nvalue\n" for these fields, in this (alphabetical) order, skipping absent ones.
  const signed =
    type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const stringToSign = signed
    .filter((name) => envelope[name] !== undefined)
    .map((name) => `${name}\n${envelope[name]}\n`)
    .join('');
  const key = await crypto.subtle.importKey(
    'pkcs8',
    pemBody(SNS_TEST_KEY_PEM),
    { name: 'RSASSA-PKCS1-v1_5', hash: version === '1' ? 'SHA-1' : 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, encoder.encode(stringToSign));
  const body = JSON.stringify({
    ...envelope,
    SignatureVersion: version,
    Signature: encodeBase64(signature),
    SigningCertURL: opts.certUrl,
    ...(type === 'Notification' ? { UnsubscribeURL: `${new URL(opts.certUrl).origin}/?Action=Unsubscribe` } : {}),
  });
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'user-agent': 'Amazon Simple Notification Service Agent',
      'x-amz-sns-message-type': type,
      'x-amz-sns-message-id': envelope.MessageId!,
      'x-amz-sns-topic-arn': topicArn,
    },
    body,
  };
}

/** An SES event as SES publishes it to SNS (event-publishing shape); `extra` adds the per-kind object. */
export function sesEventMessage(eventType: string, messageId: string, extra: Record<string, unknown> = {}) {
  return {
    eventType,
    mail: {
      timestamp: '2026-01-02T03:04:05.000Z',
      source: 'Acme <noreply@acme.test>',
      messageId,
      destination: ['user@example.com'],
    },
    ...extra,
  };
}

// ── SendGrid ────────────────────────────────────────────────────────────────────────────────────────────────

/** A fresh P-256 pair; `publicKey` is base64 DER SPKI, exactly what SendGrid shows as the verification key. */
export async function sendgridKeyPair(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const spki = (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer;
  return { privateKey: pair.privateKey, publicKey: encodeBase64(spki) };
}

/**
 * A signed Event Webhook POST: ECDSA-SHA256 over `timestamp + body`, sent as base64 DER. SendGrid's body is the
 * JSON array followed by CRLF, and the CRLF is signed too. A string is signed and sent verbatim (malformed bodies).
 */
export async function signedSendgridRequest(
  url: string,
  events: unknown[] | string,
  privateKey: CryptoKey,
  opts: { timestamp?: number } = {},
): Promise<HookRequest> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const body = typeof events === 'string' ? events : `${JSON.stringify(events)}\r\n`;
  const raw = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    encoder.encode(timestamp + body),
  );
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'SendGrid Event API',
      'x-twilio-email-event-webhook-signature': encodeBase64(p1363ToDer(new Uint8Array(raw))),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
    body,
  };
}

/** One SendGrid event; `sgMessageId` is the X-Message-Id from send time (the routing suffix is added here). */
export function sendgridEvent(event: string, sgMessageId: string, extra: Record<string, unknown> = {}) {
  return {
    email: 'user@example.com',
    timestamp: 1767323045,
    'smtp-id': `<${sgMessageId}@ismtpd-1>`,
    event,
    sg_event_id: `${event}-${hex(10)}`,
    sg_message_id: `${sgMessageId}.filterdrecv-5645d9c87f-6r2ch-1-5F3A0F5A-3.0`,
    ...extra,
  };
}

// ── Twilio ──────────────────────────────────────────────────────────────────────────────────────────────────

/** A status callback as Twilio posts it: form-encoded, X-Twilio-Signature = b64(HMAC-SHA1(token, url+sorted k+v)). */
export async function signedTwilioRequest(
  url: string,
  params: Record<string, string>,
  authToken: string,
): Promise<HookRequest> {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  const key = await crypto.subtle.importKey('raw', encoder.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  const signature = encodeBase64(await crypto.subtle.sign('HMAC', key, encoder.encode(data)));
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': signature,
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** The parameters of an SMS status callback. */
export function twilioStatusParams(messageSid: string, status: string, extra: Record<string, string> = {}) {
  return {
    AccountSid: `AC${hex(16)}`,
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    To: '+14155550123',
    MessageSid: messageSid,
    MessageStatus: status,
    SmsSid: messageSid,
    SmsStatus: status,
    ...extra,
  };
}

// ── Postmark ────────────────────────────────────────────────────────────────────────────────────────────────

/** Postmark does not sign; it sends the Basic credentials embedded in the webhook URL. */
export function postmarkRequest(url: string, body: object, secret: string, username = 'postmark'): HookRequest {
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${encodeBase64(encoder.encode(`${username}:${secret}`))}`,
    },
    body: JSON.stringify(body),
  };
}

/** One Postmark webhook record (Delivery, Bounce, SpamComplaint, Open, Click, …). */
export function postmarkRecord(recordType: string, messageId: string, extra: Record<string, unknown> = {}) {
  return {
    RecordType: recordType,
    MessageID: messageId,
    MessageStream: 'outbound',
    Recipient: 'user@example.com',
    Metadata: {},
    ServerID: 23,
    ...extra,
  };
}

// ── Resend (Svix) ───────────────────────────────────────────────────────────────────────────────────────────

/** A random `whsec_…` signing secret, the form Resend shows. */
export function resendTestSecret(): string {
  return `whsec_${encodeBase64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

/** A Svix-signed Resend webhook: Standard Webhooks signature under svix-* header names (a string is sent verbatim). */
export function signedResendRequest(
  url: string,
  payload: object | string,
  secret: string,
  opts: { timestamp?: Date; id?: string } = {},
): HookRequest {
  const id = opts.id ?? `msg_${hex(12)}`;
  const at = opts.timestamp ?? new Date();
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(id, at, body),
    },
    body,
  };
}

/** One Resend webhook payload. */
export function resendEvent(type: string, emailId: string, data: Record<string, unknown> = {}) {
  return {
    type,
    created_at: '2026-01-02T03:04:05.126Z',
    data: {
      created_at: '2026-01-02T03:04:00.894719+00:00',
      email_id: emailId,
      from: 'Acme <noreply@acme.test>',
      to: ['user@example.com'],
      subject: 'Hello',
      ...data,
    },
  };
}

// ── Context ─────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A ReceiptContext for unit tests: the production AWS URL rule (the fake fetch makes real AWS hostnames safe to
 * use) and a fetch that fails loudly unless one is injected.
 */
export function testReceiptContext(overrides: Partial<ReceiptContext> = {}): ReceiptContext {
  return {
    now: new Date(),
    fetch: (async () => {
      throw new Error('unexpected fetch in a receipt test');
    }) as typeof fetch,
    trustedAwsUrl: productionAwsUrlCheck,
    ...overrides,
  };
}
