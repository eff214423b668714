const encoder = new TextEncoder();

/**
 * Compares two secrets-derived strings without leaking where they differ or how long the expected one is: both are
 * hashed first, so the constant-time compare always sees 32 bytes (workerd's `timingSafeEqual` needs equal lengths).
 */
export async function timingSafeEqualStrings(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
