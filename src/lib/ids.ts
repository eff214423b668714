/**
 * Prefixed, time-sortable IDs: `ten_01jf…`. The body is a ULID (48-bit millisecond time + 80 random bits) in
 * lowercase Crockford base32, so `ORDER BY id` is creation order and cursors can be plain ids.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix =
  | 'ten'
  | 'key'
  | 'sub'
  | 'aud'
  | 'req'
  | 'ntf'
  | 'dlv'
  | 'att'
  | 'evt'
  | 'prv'
  | 'sbx'
  | 'tpl'
  | 'whe'
  | 'wha'
  | 'top'
  | 'brd'
  | 'sch'
  | 'wfl'
  | 'wfr'
  | 'dgw';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(chars: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(chars));
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** Monotonic within an isolate (ULID spec): ids minted in the same millisecond still sort in creation order. */
let lastTime = -1;
let lastRandom = '';

function increment(random: string): string {
  const chars = random.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const next = ALPHABET.indexOf(chars[i]!) + 1;
    if (next < 32) {
      chars[i] = ALPHABET[next]!;
      return chars.join('');
    }
    chars[i] = ALPHABET[0]!;
  }
  return encodeRandom(16); // 80-bit overflow in one millisecond: practically impossible
}

export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now === lastTime) lastRandom = increment(lastRandom);
  else {
    lastTime = now;
    lastRandom = encodeRandom(16);
  }
  return `${prefix}_${encodeTime(now)}${lastRandom}`;
}

/**
 * The time part of the ids minted in millisecond `ms`: `${prefix}_${idTimePrefix(ms)}` sorts at or before every id
 * minted from then on, so a time range becomes a primary-key range (metrics count rows this way).
 */
export function idTimePrefix(ms: number): string {
  return encodeTime(ms);
}

/** The millisecond an id was minted in (its ULID time part); NaN when the id has no valid time part. */
export function idTime(id: string): number {
  const time = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  if (time.length !== 10) return Number.NaN;
  let ms = 0;
  for (const ch of time) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) return Number.NaN;
    ms = ms * 32 + digit;
  }
  return ms;
}

/** True when `value` looks like an id with this prefix (cheap shape check before a lookup). */
export function isId(prefix: IdPrefix, value: string): boolean {
  return new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
