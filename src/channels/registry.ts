import type { Channel } from '../db/schema';
import type { AppConfig } from '../env';
import { smtpProvider } from './email/smtp-provider';
import { type OutboundMessage, type SendResult, sendFailed } from './types';
import { webhookProvider } from './webhook/webhook-provider';

/**
 * Picks the provider for a channel and sends. Until tenants configure their own providers (channels issue),
 * email goes through the platform SMTP server from the environment and webhooks POST directly.
 */
export async function sendThroughChannel(
  channel: Channel,
  message: OutboundMessage,
  config: AppConfig,
): Promise<{ provider: string; result: SendResult }> {
  switch (channel) {
    case 'email': {
      if (!config.SMTP_HOST) {
        return {
          provider: smtpProvider.id,
          result: sendFailed({
            code: 'provider_not_configured',
            message: 'No email provider is configured (set SMTP_HOST)',
            retryable: false,
          }),
        };
      }
      const result = await smtpProvider.send(message, {
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_PORT === 465,
        startTls: config.SMTP_PORT === 587,
        from: config.EMAIL_FROM,
        timeoutMs: 15_000,
      });
      return { provider: smtpProvider.id, result };
    }
    case 'webhook':
      return { provider: webhookProvider.id, result: await webhookProvider.send(message, { timeoutMs: 10_000 }) };
  }
}
