import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import type { AppEnv } from '../context';
import { readCappedBody } from '../read-capped-body';

/** Largest request body we accept; bulk sends of 1,000 items fit comfortably. */
export const MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Guards every request body before validation: over the limit → 413, not JSON → 415, unparsable → 400.
 * Doing it once here means no route can turn a client's malformed body into a 500.
 */
export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const raw = await readCappedBody(c, MAX_BODY_BYTES);
  if (raw.byteLength === 0) return next();
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    throw new ApiError('unsupported_media_type', `Content-Type must be application/json (got '${type || 'none'}')`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
    JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  return next();
};
