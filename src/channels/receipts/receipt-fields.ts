import { MAX_RECEIPT_BODY_CHARS, type VerifyOutcome } from './types';

const MAX_DETAIL = 500;

/** Joins the non-empty parts into a detail line, cut to the 500 characters the event contract allows. */
export function detailOf(...parts: (string | number | null | undefined)[]): string | undefined {
  const text = parts
    .filter((p) => p !== null && p !== undefined && String(p).trim() !== '')
    .map((p) => String(p).trim())
    .join(': ');
  if (text === '') return undefined;
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

/**
 * Provider time → ISO 8601 UTC. Accepts ISO strings with any number of fraction digits (Postmark sends 7,
 * Resend 6, which not every Date parser takes) and unix seconds (SendGrid). Falls back when absent or unreadable.
 */
export function isoTime(value: unknown, fallback: Date): string {
  let ms = Number.NaN;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value * 1000;
  else if (typeof value === 'string' && value.length <= 64) {
    ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  }
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? fallback.toISOString() : date.toISOString();
}

/** Parses JSON without throwing; `undefined` means "not JSON". */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The checks every verifier makes before looking at a request; null when it may go on. `usableSecrets` counts the
 * tenant's configurations that carry this provider's verification material.
 */
export function precheck(body: string, usableSecrets: number): VerifyOutcome | null {
  if (usableSecrets === 0) return { ok: false, reason: 'no webhook verification configured for this provider' };
  if (typeof body !== 'string') return { ok: false, reason: 'malformed body' };
  if (body.length > MAX_RECEIPT_BODY_CHARS) return { ok: false, reason: 'body too large' };
  return null;
}

/** Drops optional fields left undefined, so events serialise and compare cleanly. */
export function compact<T extends object>(event: T): T {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as T;
}
