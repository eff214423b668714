/**
 * Where we will send an HTTP request on a tenant's behalf (webhook channel, chat webhooks, and the outgoing
 * webhooks of the webhooks issue). Refuses IP literals in private, loopback, link-local, CGNAT, multicast,
 * reserved and cloud-metadata ranges (IPv4 and IPv6, including IPv4-mapped, NAT64 and 6to4 forms; the WHATWG URL
 * parser already normalises decimal/hex/octal IPv4 spellings), localhost-like names, and our own host.
 * Names that resolve to private addresses cannot be checked here (Workers have no DNS API); Cloudflare's egress
 * does not route to private networks, which closes that gap in production.
 */
export interface UrlPolicy {
  /** Production: https only. */
  requireHttps: boolean;
  /** Local development and tests only: allow loopback/private targets so stand-ins can receive. */
  allowPrivate: boolean;
  /** Our own public `host[:port]`: never a webhook target (no loops through our own API). */
  ownHost?: string | undefined;
}

type Range = [number, number]; // [network, prefix length] on 32-bit values

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const BLOCKED_V4: Range[] = [
  [v4(0, 0, 0, 0), 8], // "this" network
  [v4(10, 0, 0, 0), 8], // private
  [v4(100, 64, 0, 0), 10], // CGNAT
  [v4(127, 0, 0, 0), 8], // loopback
  [v4(169, 254, 0, 0), 16], // link-local, cloud metadata (169.254.169.254)
  [v4(172, 16, 0, 0), 12], // private
  [v4(192, 0, 0, 0), 24], // IETF protocol assignments
  [v4(192, 0, 2, 0), 24], // TEST-NET-1
  [v4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [v4(192, 168, 0, 0), 16], // private
  [v4(198, 18, 0, 0), 15], // benchmarking
  [v4(198, 51, 100, 0), 24], // TEST-NET-2
  [v4(203, 0, 113, 0), 24], // TEST-NET-3
  [v4(224, 0, 0, 0), 4], // multicast
  [v4(240, 0, 0, 0), 4], // reserved, broadcast
];

function inRange(value: number, [network, prefix]: Range): boolean {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (value & mask) >>> 0 === (network & mask) >>> 0;
}

function parseV4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return v4(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
}

/** Eight 16-bit groups of an IPv6 literal (brackets removed), or null. */
function parseV6(host: string): number[] | null {
  if (!host.includes(':')) return null;
  let text = host.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = parseV4(dotted[1]!);
    if (value === null) return null;
    text = `${text.slice(0, -dotted[1]!.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return null;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const embeddedV4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

function blockedV6(g: number[]): boolean {
  const zeroPrefix = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return true; // ::
  if (zeroPrefix(7) && g[7] === 1) return true; // ::1
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // link-local
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  const v4Blocked = (value: number) => BLOCKED_V4.some((r) => inRange(value, r));
  if (zeroPrefix(5) && g[5] === 0xffff) return v4Blocked(embeddedV4(g[6]!, g[7]!)); // IPv4-mapped
  if (zeroPrefix(6)) return true; // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b) return v4Blocked(embeddedV4(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) return v4Blocked(embeddedV4(g[1]!, g[2]!)); // 6to4
  return false;
}

const LOCAL_NAMES = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home|corp|home\.arpa)$/i;
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

/** Null when the URL may be called, else why not. */
export function urlProblem(raw: string, policy: UrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use http or https';
  if (policy.requireHttps && url.protocol !== 'https:') return 'must use https';
  if (url.username || url.password) return 'must not contain credentials';
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!host) return 'must have a host';
  const bareHost = (h: string) => h.toLowerCase().replace(/\.(?=:\d+$|$)/, '');
  if (policy.ownHost && bareHost(url.host) === bareHost(policy.ownHost)) return 'must not point at this API';
  if (policy.allowPrivate) return null;
  if (LOCAL_NAMES.test(host) || METADATA_NAMES.has(host) || (!host.includes('.') && !host.includes(':'))) {
    return 'must not point at a local or internal name';
  }
  const asV4 = parseV4(host);
  if (asV4 !== null && BLOCKED_V4.some((r) => inRange(asV4, r)))
    return 'must not point at a private or reserved address';
  const asV6 = parseV6(host);
  if (asV6 !== null && blockedV6(asV6)) return 'must not point at a private or reserved address';
  if (host.includes(':') && asV6 === null) return 'must be a valid host';
  return null;
}

/** The policy for this deployment's configuration. */
export function urlPolicyFor(config: {
  ENVIRONMENT: string;
  ALLOW_PRIVATE_WEBHOOK_TARGETS: string;
  PUBLIC_BASE_URL: string;
}): UrlPolicy {
  return {
    requireHttps: config.ENVIRONMENT === 'production',
    allowPrivate: config.ALLOW_PRIVATE_WEBHOOK_TARGETS === 'on',
    ownHost: config.PUBLIC_BASE_URL ? new URL(config.PUBLIC_BASE_URL).host : undefined,
  };
}
