/**
 * Where webhook deliveries may go. In production only public https URLs (the webhooks issue adds a DNS-level
 * SSRF guard); locally and in tests plain http to loopback is allowed so stand-in servers can receive them.
 */
const PRIVATE_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|\[?f[cd][0-9a-f]{2}:.*|.*\.local|.*\.internal)$/i;

export function webhookUrlProblem(raw: string, environment: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (environment === 'production') {
    if (url.protocol !== 'https:') return 'must use https';
    if (PRIVATE_HOST.test(url.hostname)) return 'must not point at a private or loopback address';
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'must use http or https';
  }
  return null;
}
