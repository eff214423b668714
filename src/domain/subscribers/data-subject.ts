import type { Db } from '../../db/client';
import { pastAddresses, type Subject } from '../../db/queries/gdpr';
import { getSubscriber } from '../../db/queries/subscribers';
import type { SubscriberRow } from '../../db/schema';

/**
 * Shorter strings are not scrubbed from free text: a two-letter name or id would hit unrelated words in content
 * shared with other recipients. Exact-match columns (recipient, address) are erased whatever their length.
 */
const MIN_NEEDLE_LENGTH = 3;

/**
 * Channels whose addresses identify the person: those are also searched in other rows (inline sends, suppressions,
 * free text). Chat and webhook URLs are usually shared team resources (a Slack channel, a company endpoint), so
 * they are erased on the person's own deliveries and profile only.
 */
const PERSONAL_CHANNELS = new Set(['email', 'sms', 'push']);

/** The personal addresses a subscriber row yields, in the form deliveries and suppressions store them. */
function currentAddresses(s: SubscriberRow): string[] {
  return [s.email, s.phone, ...(s.channels?.pushTokens ?? []).map((t) => `${t.provider}:${t.token}`)].filter(
    (a): a is string => !!a,
  );
}

/**
 * Who a GDPR request is about, from everything held: the subscriber row if it still exists, and the deliveries sent
 * under their externalId or subscriber id (which also give the addresses they had before, and their subscriber id
 * after a plain DELETE). Null when nothing at all is held — an unknown id, or another tenant's.
 */
export async function resolveSubject(
  db: Db,
  tenantId: string,
  externalId: string,
): Promise<(Subject & { subscriber: SubscriberRow | null }) | null> {
  const subscriber = await getSubscriber(db, tenantId, externalId);
  const past = await pastAddresses(db, tenantId, externalId, subscriber?.id ?? null);
  if (!subscriber && past.length === 0) return null;
  const subscriberId = subscriber?.id ?? past.find((p) => p.subscriber_id)?.subscriber_id ?? null;
  const pastAddrs = past.filter((p) => PERSONAL_CHANNELS.has(p.channel) && p.address !== '').map((p) => p.address);
  const addresses = [...new Set([...(subscriber ? currentAddresses(subscriber) : []), ...pastAddrs])];
  // A push address is `fcm:<token>`; messages and provider answers quote the bare token.
  const candidates = [externalId, subscriber?.name, ...addresses.map((a) => a.replace(/^(fcm|apns):/, ''))];
  const seen = new Set<string>();
  const needles: string[] = [];
  for (const c of candidates) {
    if (!c || c.length < MIN_NEEDLE_LENGTH || seen.has(c.toLowerCase())) continue;
    seen.add(c.toLowerCase());
    needles.push(c);
  }
  // Longest first: an email that contains the externalId is replaced whole, not left as "[erased]@example.com".
  needles.sort((a, b) => b.length - a.length);
  return { tenantId, externalId, subscriberId, addresses, needles, subscriber: subscriber ?? null };
}
