import type { z } from 'zod';
import type { Channel, NotificationContent } from '../db/schema';
import type { UrlPolicy } from '../lib/ssrf-guard';
import type { ErrorTable } from './error-table';

/** What a provider needs to send one delivery. Built by the pipeline from the database rows. */
export interface OutboundMessage {
  deliveryId: string;
  notificationId: string;
  tenantId: string;
  channel: Channel;
  /** Channel-specific address: email, E.164 phone, `fcm:`/`apns:` token, `slack:`/`discord:`/`teams:` target, URL. */
  address: string;
  recipient: string;
  content: NotificationContent;
  data: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  category: string | null;
  /** Extra email headers (List-Unsubscribe, List-Unsubscribe-Post), already validated single-line values. */
  headers?: Record<string, string>;
}

/** Why a send failed, and what that means for retrying, failing over and suppressing. */
export interface ProviderError {
  code: string;
  message: string;
  /** Trying again later (here or at another provider) could succeed: timeouts, 429, 5xx. */
  retryable: boolean;
  /** The provider asked us to wait this long (Retry-After, SMTP 421 …). */
  retryAfterSeconds?: number;
  responseCode?: number;
  /** The address itself is bad (unknown mailbox, unregistered token, not a mobile number): suppress it. */
  invalidRecipient?: boolean;
  /** Our account at this provider is the problem (bad credentials, unverified sender): try the next provider. */
  providerFault?: boolean;
  /**
   * The answer means a bad address or a setting of ours (see `recipient_if_proven` in error-table.ts): the
   * pipeline suppresses only if this configuration has already delivered with its current credentials.
   */
  suppressIfProven?: boolean;
  /** An account error about this destination only (`someTargets` in error-table.ts): not counted by the breaker. */
  targetSpecific?: boolean;
}

export type SendResult =
  | { ok: true; providerMessageId?: string; responseCode?: number; units?: number }
  | { ok: false; error: ProviderError };

export interface ProviderContext {
  /**
   * An API base URL: the production default unless PROVIDER_BASE_URLS overrides it (tests point providers at
   * stand-ins). `key` defaults to the provider id; FCM also uses `google` for its token endpoint.
   */
  baseUrl(defaultUrl: string, key?: string): string;
  timeoutMs: number;
  /** Where recipient-supplied URLs may point (the SSRF guard's policy), re-checked by webhook-style providers. */
  urlPolicy: UrlPolicy;
  /** Worker bindings a provider may send through (Cloudflare Email's send_email). */
  bindings: { EMAIL?: SendEmail };
}

export interface Provider<Credentials = unknown> {
  /** Stable id, used in configurations, attempts and PROVIDER_BASE_URLS: `sendgrid`, `twilio`, … */
  id: string;
  channel: Channel;
  /** Validates credentials on write; `{}`-shaped for providers that need none. */
  credentials: z.ZodType<Credentials>;
  /**
   * Its credential is a Standard Webhooks signing secret we generate (shown once, rotated with
   * `POST /v1/providers/{id}/rotate-secret`), not one the tenant writes.
   */
  generatesSigningSecret?: true;
  /** Whether this provider can reach `address` (an FCM provider cannot send to an APNs token). */
  accepts(address: string): boolean;
  send(message: OutboundMessage, credentials: Credentials, ctx: ProviderContext): Promise<SendResult>;
  /** Its documented errors and what each means for us (error-table.ts); the only source of a suppression. */
  errors: ErrorTable;
}
