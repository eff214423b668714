/**
 * API key format: `nk_<mode>_<43 base62 chars: 32 random bytes><6 base62 chars: CRC-32 checksum>`.
 * The checksum lets us reject a mistyped or truncated key without touching the database (like GitHub's tokens);
 * only the SHA-256 of the whole key is stored.
 */
export type KeyMode = 'test' | 'live';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 43; // 62^43 > 2^256
const CHECKSUM_CHARS = 6; // 62^6 > 2^32
const KEY_PATTERN = /^nk_(test|live)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function toBase62(value: bigint, width: number): string {
  let out = '';
  let v = value;
  while (v > 0n) {
    out = BASE62[Number(v % 62n)] + out;
    v /= 62n;
  }
  return out.padStart(width, '0');
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const checksum = (body: string) => toBase62(BigInt(crc32(body)), CHECKSUM_CHARS);

export function generateApiKey(mode: KeyMode): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const value = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const body = `nk_${mode}_${toBase62(value, RANDOM_CHARS)}`;
  return body + checksum(body);
}

/** The key's mode if it is well formed and its checksum matches; null otherwise. */
export function parseApiKey(raw: string): { mode: KeyMode } | null {
  const m = KEY_PATTERN.exec(raw);
  if (!m) return null;
  const body = raw.slice(0, raw.length - CHECKSUM_CHARS);
  if (checksum(body) !== m[3]) return null;
  return { mode: m[1] as KeyMode };
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What lists show: enough to recognise a key, never enough to use it. */
export function keyDisplayParts(key: string): { prefix: string; last4: string } {
  return { prefix: key.startsWith('nk_live_') ? 'nk_live_' : 'nk_test_', last4: key.slice(-4) };
}
