import type { Channel, NotificationContent } from '../db/schema';

/** What a provider needs to send one delivery. Built by the pipeline from the database rows. */
export interface OutboundMessage {
  deliveryId: string;
  notificationId: string;
  tenantId: string;
  channel: Channel;
  /** Email address or URL, resolved when the notification was accepted. */
  address: string;
  recipient: string;
  content: NotificationContent;
  data: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  category: string | null;
}

/** Why a send failed, and whether trying again could help. */
export interface ProviderError {
  code: string;
  message: string;
  retryable: boolean;
  /** The provider asked us to wait this long (Retry-After, SMTP 421 …). */
  retryAfterSeconds?: number;
  responseCode?: number;
}

export type SendResult =
  | { ok: true; providerMessageId?: string; responseCode?: number }
  | { ok: false; error: ProviderError };

export interface Provider<Config = unknown> {
  /** Stable id recorded on attempts, e.g. `smtp`, `webhook`. */
  id: string;
  channel: Channel;
  send(message: OutboundMessage, config: Config): Promise<SendResult>;
}

export const sendFailed = (error: ProviderError): SendResult => ({ ok: false, error });
