import type { AppContext } from '../../context';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { trackEmailHtml } from '../../domain/analytics/track-email';
import { signUnsubscribeToken, tenantSecret } from '../../domain/subscribers/subscriber-token';
import type { PreferenceContext } from './preferences';

/** A tenant's signing secret (null when it has none), fetched at most once per batch. */
export type SecretOf = (tenantId: string) => Promise<Uint8Array | null>;

/** The per-batch cache of tenant signing secrets used by unsubscribe links and tracking. */
export function tenantSecretCache(ctx: AppContext): SecretOf {
  const secrets = new Map<string, Promise<Uint8Array | null>>();
  return (tenantId) => {
    let secret = secrets.get(tenantId);
    if (!secret) {
      secret = tenantSecret(ctx.db, ctx.config, tenantId, true);
      secrets.set(tenantId, secret);
    }
    return secret;
  };
}

/**
 * Readies a rendered email for sending: one-click unsubscribe headers, then open and click tracking. Other
 * channels pass through unchanged. Returns the delivery to send and the original URLs of its tracked links.
 */
export async function prepareEmail(
  ctx: AppContext,
  d: DeliveryToSend,
  preferences: PreferenceContext,
  secretOf: SecretOf,
) {
  const headers = await unsubscribeHeaders(ctx, d, preferences, secretOf);
  return withTracking(ctx, headers ? { ...d, headers } : d, secretOf);
}

/** RFC 8058 one-click unsubscribe on every non-critical email to a subscriber. */
async function unsubscribeHeaders(
  ctx: AppContext,
  d: DeliveryToSend,
  preferences: PreferenceContext,
  secretOf: SecretOf,
) {
  if (d.channel !== 'email' || !d.subscriberId || !ctx.config.PUBLIC_BASE_URL) return undefined;
  if (preferences.isCritical(d.tenantId, d.category)) return undefined;
  const key = await secretOf(d.tenantId);
  if (!key) return undefined;
  const token = await signUnsubscribeToken(key, {
    tenantId: d.tenantId,
    subscriberId: d.subscriberId,
    category: d.category,
  });
  return {
    'List-Unsubscribe': `<${ctx.config.PUBLIC_BASE_URL}/u/${token}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** Open pixel and click redirects in HTML email, unless the tenant turned them off (docs/analytics.md). */
async function withTracking<T extends DeliveryToSend>(
  ctx: AppContext,
  d: T,
  secretOf: SecretOf,
): Promise<{ d: T; links: string[] }> {
  const opens = d.usageSettings?.trackOpens ?? true;
  const clicks = d.usageSettings?.trackClicks ?? true;
  if (d.channel !== 'email' || !d.content.html || !ctx.config.PUBLIC_BASE_URL || !(opens || clicks)) {
    return { d, links: [] };
  }
  const secret = await secretOf(d.tenantId);
  if (!secret) return { d, links: [] };
  const tracked = await trackEmailHtml(d.content.html, {
    baseUrl: ctx.config.PUBLIC_BASE_URL,
    deliveryId: d.id,
    secret,
    opens,
    clicks,
  });
  return { d: { ...d, content: { ...d.content, html: tracked.html } }, links: tracked.links };
}
