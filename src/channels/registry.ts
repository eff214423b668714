import type { Channel } from '../db/schema';
import { discordProvider } from './chat/discord';
import { slackBotProvider, slackWebhookProvider } from './chat/slack';
import { teamsProvider } from './chat/teams';
import { cloudflareEmailProvider } from './email/cloudflare-email';
import { postmarkProvider } from './email/postmark/send';
import { resendProvider } from './email/resend/send';
import { sendgridProvider } from './email/sendgrid/send';
import { sesProvider } from './email/ses/send';
import { smtpProvider } from './email/smtp/send';
import { apnsProvider } from './push/apns';
import { fcmProvider } from './push/fcm/send';
import { snsProvider } from './sms/sns';
import { twilioProvider } from './sms/twilio/send';
import type { Provider } from './types';
import { webhookProvider } from './webhook/webhook-provider';

/** Providers a tenant configures with its own account (POST /v1/providers). */
export const CONFIGURABLE_PROVIDERS = {
  smtp: smtpProvider,
  ses: sesProvider,
  sendgrid: sendgridProvider,
  resend: resendProvider,
  postmark: postmarkProvider,
  cloudflare_email: cloudflareEmailProvider,
  twilio: twilioProvider,
  sns: snsProvider,
  fcm: fcmProvider,
  apns: apnsProvider,
  slack: slackBotProvider,
  // Also built in (below): configuring it adds a signing secret to the same requests.
  webhook: webhookProvider,
} as const;

export type ConfigurableProviderId = keyof typeof CONFIGURABLE_PROVIDERS;
export const CONFIGURABLE_PROVIDER_IDS = Object.keys(CONFIGURABLE_PROVIDERS) as [
  ConfigurableProviderId,
  ...ConfigurableProviderId[],
];

/**
 * Providers that need no configuration because the address carries everything (a webhook URL, a Slack/Discord/
 * Teams incoming-webhook URL). Tried before configured ones for the addresses they accept; one the tenant has also
 * configured (the `webhook` provider, for its signing secret) runs with that configuration's credentials.
 */
export const BUILT_IN_PROVIDERS: Provider<unknown>[] = [
  webhookProvider,
  slackWebhookProvider,
  discordProvider,
  teamsProvider,
];

export function configurableProvider(id: string): Provider<unknown> | undefined {
  return (CONFIGURABLE_PROVIDERS as unknown as Record<string, Provider<unknown>>)[id];
}

export function builtInProviderFor(channel: Channel, address: string): Provider<unknown> | undefined {
  return BUILT_IN_PROVIDERS.find((p) => p.channel === channel && p.accepts(address)) as Provider<unknown> | undefined;
}
