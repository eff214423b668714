export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

/** A revoked key fails at once; a rolled key is `expiring` until its grace period ends, then `expired`. */
export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt) return key.expiresAt.getTime() <= now.getTime() ? 'expired' : 'expiring';
  return 'active';
}
