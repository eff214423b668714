import type { z } from 'zod';
import type { Channel, NotificationContent } from '../db/schema';
import type { UrlPolicy } from '../lib/ssrf-guard';

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

/**
 * What a provider's documented error means for a delivery. The rule, stated once: **only an error the provider
 * documents as specific to the recipient suppresses the address.** Account, configuration, sandbox, sender and
 * quota errors fail over, retry or fail the delivery and surface as a provider-health problem, never as a
 * suppression; an undocumented code never suppresses.
 *
 * - `recipient`: the address itself cannot receive (unknown mailbox, unregistered token, not a mobile number):
 *   suppress it.
 * - `recipient_if_proven`: the provider uses one answer for a bad address *and* for a setting of ours (APNs
 *   `BadDeviceToken` also means a sandbox/production mismatch). Suppress only once this configuration has
 *   delivered successfully with its current credentials (which proves the setting); until then it is `account`.
 * - `account`: our account or its configuration (credentials, unverified sender, sandbox, region permissions):
 *   the next provider may succeed, this one will not until someone fixes it.
 * - `quota`: our account's limit or throttle: retry later (and fail over now).
 * - `message`: this message was refused (payload too large, bad field): no other provider would take it either.
 * - `transient`: the provider's own trouble: retry.
 */
export type ErrorClass = 'recipient' | 'recipient_if_proven' | 'account' | 'quota' | 'message' | 'transient';

export interface ErrorRow {
  /** The provider's own code, as it spells it (`21211`, `MessageRejected`, `BadDeviceToken`, `channel_not_found`). */
  code: string;
  /** Narrows a code the provider reuses for several causes, by its message text (SES `MessageRejected`). */
  message?: RegExp;
  class: ErrorClass;
  /** What the provider says the code means, in a few words. */
  meaning: string;
  /** Where the provider documents it. */
  source: string;
  /**
   * An `account` error that concerns only some destinations (a region not enabled, a trial account's unverified
   * numbers, a channel the bot is not in): it fails over and fails like any account error, but it does not count
   * against the circuit breaker, which would otherwise pause every send for a handful of bad targets.
   */
  someTargets?: true;
}

/** A provider's documented errors, most specific row first (a row with `message` before the same code without). */
export type ErrorTable = readonly ErrorRow[];
