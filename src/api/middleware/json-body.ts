import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';
import { readCappedBody } from '../read-capped-body';

/** Largest request body we accept; bulk sends of 1,000 items fit comfortably. */
export const MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** An unpaired UTF-16 surrogate: no Unicode character, so Postgres would store U+FFFD in its place. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A body can only hold a surrogate through a `\uD8xx`-`\uDFxx` escape: the bytes are already strict UTF-8. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Where in a parsed JSON value a string (or an object key) holds a lone surrogate, as `body.a.0.b`; null if none.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function loneSurrogatePath(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: 'body' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      if (LONE_SURROGATE.test(item.value)) return item.path;
    } else if (Array.isArray(item.value)) {
      for (const [i, v] of item.value.entries()) stack.push({ value: v, path: `${item.path}.${i}` });
    } else if (item.value !== null && typeof item.value === 'object') {
      for (const [k, v] of Object.entries(item.value)) {
        if (LONE_SURROGATE.test(k)) return `${item.path}.${k.replace(LONE_SURROGATE, '\uFFFD')}`;
        stack.push({ value: v, path: `${item.path}.${k}` });
      }
    }
  }
  return null;
}

/**
 * Path parameters are percent-decoded by the router, which leaves an invalid sequence (`%ff`, an encoded
 * surrogate) as literal text. Refuse such a path instead, so `%ff%fe` never becomes an id.
 */
function checkPathEncoding(url: string) {
  const path = new URL(url).pathname;
  // Most paths carry no escape at all: nothing to decode, so no per-segment work on the hot path.
  if (!path.includes('%')) return;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      throw new ApiError('invalid_request', 'The URL path is not valid percent-encoded UTF-8', [
        { path: 'path', message: `invalid percent-encoding in '${segment.slice(0, 100)}'`, code: 'invalid_encoding' },
      ]);
    }
  }
}

/**
 * Guards every request before validation: a path that is not valid percent-encoded UTF-8 → 400; for bodies, over
 * the limit → 413, not JSON → 415, unparsable → 400, a string with a lone UTF-16 surrogate → 422.
 * Doing it once here means no route can turn a client's malformed input into a 500 or a silently altered value.
 */
export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  checkPathEncoding(c.req.url);
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const raw = await readCappedBody(c, MAX_BODY_BYTES);
  if (raw.byteLength === 0) return next();
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    throw new ApiError('unsupported_media_type', `Content-Type must be application/json (got '${type || 'none'}')`);
  }
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  const surrogateAt = SURROGATE_ESCAPE.test(text) ? loneSurrogatePath(parsed) : null;
  if (surrogateAt) {
    throw new ApiError('validation_failed', 'Request validation failed', [
      {
        path: surrogateAt,
        message: 'must not contain a lone UTF-16 surrogate (invalid Unicode)',
        code: 'invalid_unicode',
      },
    ]);
  }
  return next();
};
