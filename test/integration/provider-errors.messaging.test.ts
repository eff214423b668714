import { describe, expect, it } from 'vitest';
import { discordProvider } from '../../src/channels/chat/discord';
import { slackBotProvider, slackWebhookProvider } from '../../src/channels/chat/slack';
import { classify, type ErrorRow } from '../../src/channels/error-table';
import { apnsProvider } from '../../src/channels/push/apns';
import { fcmProvider } from '../../src/channels/push/fcm/send';
import { snsProvider } from '../../src/channels/sms/sns';
import { twilioProvider } from '../../src/channels/sms/twilio/send';
import type { Provider, ProviderError } from '../../src/channels/types';
import { expectTableHonoured, outbound, standInContext } from '../helpers/error-tables';
import { appleId, awsKeyId, ecPem, jsonStep, rsaPem, twilioSid, uniqueAccount } from '../helpers/providers';
import { endpointUrl, type ScriptStep, scriptEndpoint, uniqueName } from '../helpers/stand-ins';

/**
 * Every row of each messaging provider's error table, answered by its stand-in exactly as the provider documents
 * the error (status and body), must come out of the provider's real `send` with the row's classification.
 */

/** The HTTP status a provider documents for a row, where it is not the usual 400. */
const statusOf = (row: ErrorRow, statuses: Record<string, number>) =>
  statuses[row.code] ?? (row.class === 'transient' ? 500 : row.class === 'quota' ? 429 : 400);

/** A message the row's own pattern matches (a row without one gets its meaning, which no earlier pattern matches). */
const sampleMessage = (row: ErrorRow, samples: Record<string, string>) =>
  row.message ? samples[`${row.code} ${row.class}`]! : row.meaning;

const awsXml = (status: number, code: string, message: string): ScriptStep => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
});

describe('messaging providers honour their documented error tables', () => {
  it('Twilio: { code, message, more_info, status } with the documented HTTP status', async () => {
    const sid = twilioSid();
    const statuses: Record<string, number> = { '20003': 401, '20404': 404, '20429': 429, '20503': 503 };
    await expectTableHonoured(twilioProvider, {
      account: sid,
      credentials: { accountSid: sid, authToken: 'x'.repeat(32), from: '+15005550006' },
      message: outbound('sms', '+14155550123'),
      respond: (row) => {
        const status = statusOf(row, statuses);
        return jsonStep(status, { code: Number(row.code), message: row.meaning, more_info: row.source, status });
      },
    });
  });

  it('Amazon SNS: an XML ErrorResponse; InvalidParameter told apart by its message', async () => {
    const accessKeyId = awsKeyId();
    const samples = {
      'InvalidParameter account': 'Invalid parameter: PhoneNumber Reason: +14155550123 is not verified (SMS sandbox)',
      'InvalidParameter recipient': 'Invalid parameter: PhoneNumber Reason: +14155550123 is not valid to publish to',
    };
    const statuses: Record<string, number> = {
      AuthorizationError: 403,
      InvalidSecurity: 403,
      InvalidClientTokenId: 403,
      SignatureDoesNotMatch: 403,
      OptInRequired: 403,
      KMSOptInRequired: 403,
      Throttling: 400,
      KMSThrottling: 400,
      ServiceUnavailable: 503,
    };
    await expectTableHonoured(snsProvider, {
      account: accessKeyId,
      credentials: { accessKeyId, secretAccessKey: 'y'.repeat(40), region: 'us-east-1', smsType: 'Transactional' },
      message: outbound('sms', '+14155550123'),
      respond: (row) => awsXml(statusOf(row, statuses), row.code, sampleMessage(row, samples)),
    });
  });

  it('FCM v1: a google.rpc error with the FcmError detail', async () => {
    const clientEmail = `${uniqueName('svc')}@demo-project.iam.gserviceaccount.com`;
    const rpc: Record<string, [number, string]> = {
      UNREGISTERED: [404, 'NOT_FOUND'],
      INVALID_ARGUMENT: [400, 'INVALID_ARGUMENT'],
      SENDER_ID_MISMATCH: [403, 'PERMISSION_DENIED'],
      THIRD_PARTY_AUTH_ERROR: [401, 'UNAUTHENTICATED'],
      QUOTA_EXCEEDED: [429, 'RESOURCE_EXHAUSTED'],
      UNAVAILABLE: [503, 'UNAVAILABLE'],
      INTERNAL: [500, 'INTERNAL'],
      UNAUTHENTICATED: [401, 'UNAUTHENTICATED'],
      PERMISSION_DENIED: [403, 'PERMISSION_DENIED'],
    };
    const samples = { 'INVALID_ARGUMENT recipient': 'The registration token is not a valid FCM registration token' };
    await expectTableHonoured(fcmProvider, {
      account: clientEmail,
      credentials: {
        serviceAccount: { project_id: 'demo-project', client_email: clientEmail, private_key: await rsaPem() },
      },
      message: outbound('push', `fcm:${uniqueAccount('tok')}`),
      respond: (row) => {
        const [code, status] = rpc[row.code]!;
        // The google.rpc statuses carry no FcmError detail; the FCM codes do.
        const details =
          row.code === status
            ? []
            : [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: row.code }];
        return jsonStep(code, { error: { code, message: sampleMessage(row, samples), status, details } });
      },
    });
  });

  it('APNs: { reason } with the status Apple documents for it', async () => {
    const teamId = appleId();
    const statuses: Record<string, number> = {
      Unregistered: 410,
      ExpiredToken: 410,
      InvalidProviderToken: 403,
      ExpiredProviderToken: 403,
      MissingProviderToken: 403,
      UnrelatedKeyIdInToken: 403,
      BadCertificate: 403,
      BadCertificateEnvironment: 403,
      Forbidden: 403,
      BadPath: 404,
      MethodNotAllowed: 405,
      PayloadTooLarge: 413,
      ServiceUnavailable: 503,
      Shutdown: 503,
    };
    await expectTableHonoured(apnsProvider, {
      account: teamId,
      credentials: { teamId, keyId: appleId(), privateKey: await ecPem(), bundleId: 'com.acme.app', production: true },
      message: outbound('push', 'apns:abc123'),
      respond: (row) => jsonStep(statusOf(row, statuses), { reason: row.code }),
    });
  });

  it('Slack chat.postMessage: 200 { ok: false, error }, and 429 ratelimited', async () => {
    const botToken = `xoxb-${uniqueName('bot')}`;
    await expectTableHonoured(slackBotProvider, {
      account: botToken,
      credentials: { botToken },
      message: outbound('chat', 'slack-channel:C123'),
      respond: (row) =>
        row.code === 'ratelimited'
          ? jsonStep(429, { ok: false, error: row.code }, { 'retry-after': '30' })
          : jsonStep(200, { ok: false, error: row.code }),
    });
  });

  it('Slack incoming webhook: a plain-text code with its HTTP status', async () => {
    const statuses: Record<string, number> = {
      invalid_token: 403,
      no_service: 404,
      no_team: 404,
      team_disabled: 404,
      channel_not_found: 404,
      channel_is_archived: 410,
      action_prohibited: 403,
    };
    await expectHookTableHonoured(slackWebhookProvider, 'slack', (row) => ({
      status: statusOf(row, statuses),
      headers: { 'content-type': 'text/plain' },
      body: row.code,
    }));
  });

  it('Discord webhook: { message, code } with its HTTP status; a rate limit by its 429', async () => {
    const statuses: Record<string, number> = { '10015': 404, '10003': 404, '50027': 401, '40005': 413 };
    await expectHookTableHonoured(discordProvider, 'discord', (row) => {
      if (row.code === '429') return jsonStep(429, { message: row.meaning, retry_after: 1.5, global: false });
      if (row.code === '502') return jsonStep(502, { message: row.meaning });
      return jsonStep(statusOf(row, statuses), { message: row.meaning, code: Number(row.code) });
    });
  });
});

/** The flags that decide what happens to a delivery and its address (as expectTableHonoured compares them). */
const decision = (e: ProviderError) => ({
  retryable: e.retryable,
  invalidRecipient: e.invalidRecipient === true,
  providerFault: e.providerFault === true,
  suppressIfProven: e.suppressIfProven === true,
});

/**
 * expectTableHonoured for chat webhooks, whose address is a URL rather than an account: each row is answered by a
 * fresh `/hooks/<name>` receiver on the stand-in.
 */
async function expectHookTableHonoured(
  provider: Provider<Record<string, never>>,
  scheme: 'slack' | 'discord',
  respond: (row: ErrorRow) => ScriptStep,
) {
  expect(provider.errors.length).toBeGreaterThan(0);
  for (const row of provider.errors) {
    const name = uniqueName(scheme);
    await scriptEndpoint(name, [respond(row)]);
    const result = await provider.send(outbound('chat', `${scheme}:${endpointUrl(name)}`), {}, standInContext);
    const label = `${provider.id} ${row.code}`;
    expect(result.ok, label).toBe(false);
    if (result.ok) continue;
    expect(decision(result.error), label).toEqual(
      decision(classify({ code: 'x', message: '', retryable: false }, row)),
    );
  }
}
