/** Recipient-limiter shards per tenant: enough to spread a campaign's load, few enough to stay warm. */
export const RECIPIENT_SHARDS = 32;

/** FNV-1a: a stable, well-spread hash, so a recipient always lands on the same shard. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The Durable Object name holding this recipient's buckets. */
export const recipientShard = (tenantId: string, recipient: string) =>
  `${tenantId}:${fnv1a(recipient) % RECIPIENT_SHARDS}`;
