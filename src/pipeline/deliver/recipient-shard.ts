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

/** Items grouped by the limiter shard of their recipient, so that each shard gets one call. */
export function groupByRecipientShard<T>(items: T[], of: (item: T) => { tenantId: string; recipient: string }) {
  const byShard = new Map<string, T[]>();
  for (const item of items) {
    const { tenantId, recipient } = of(item);
    const shard = recipientShard(tenantId, recipient);
    byShard.set(shard, [...(byShard.get(shard) ?? []), item]);
  }
  return byShard;
}
