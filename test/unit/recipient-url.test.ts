import { describe, expect, it } from 'vitest';
import { discordProvider } from '../../src/channels/chat/discord';
import { slackWebhookProvider } from '../../src/channels/chat/slack';
import { teamsProvider } from '../../src/channels/chat/teams';
import type { OutboundMessage, ProviderContext } from '../../src/channels/types';
import { webhookProvider } from '../../src/channels/webhook/webhook-provider';
import { HOSTILE_URLS, PRODUCTION_URL_POLICY } from '../helpers/ssrf-table';

// The SSRF table through the webhook-style providers at send time: an address stored before a policy change (or
// written without validation) is refused before any request. Without the check these would be network errors.

const ctx: ProviderContext = {
  baseUrl: (url) => url,
  timeoutMs: 2000,
  urlPolicy: PRODUCTION_URL_POLICY,
  bindings: {},
};

const message = (channel: OutboundMessage['channel'], address: string): OutboundMessage => ({
  deliveryId: 'dlv_01hzzzzzzzzzzzzzzzzzzzzzzz',
  notificationId: 'ntf_01hzzzzzzzzzzzzzzzzzzzzzzz',
  tenantId: 'ten_01hzzzzzzzzzzzzzzzzzzzzzzz',
  channel,
  address,
  recipient: 'someone',
  content: { title: 'x', body: 'y', text: 'y' },
  data: null,
  metadata: null,
  category: null,
});

const providers = [
  ['webhook', webhookProvider, (url: string) => url],
  ['discord', discordProvider, (url: string) => `discord:${url}`],
  ['slack_webhook', slackWebhookProvider, (url: string) => `slack:${url}`],
  ['teams', teamsProvider, (url: string) => `teams:${url}`],
] as const;

describe('send-time SSRF check of recipient URLs', () => {
  it.each(providers)('%s refuses every URL of the SSRF table without a request', async (_name, provider, address) => {
    for (const url of HOSTILE_URLS) {
      const result = await provider.send(message(provider.channel, address(url)), {} as never, ctx);
      expect(result, url).toMatchObject({ ok: false, error: { code: 'url_not_allowed', retryable: false } });
    }
  });
});
