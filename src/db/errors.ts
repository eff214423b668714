/** Classifies errors from the Neon driver (or drizzle's wrapper around them). */

function* causeChain(err: unknown): Generator<Record<string, unknown>> {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const e = current as Record<string, unknown>;
    yield e;
    current = e.cause ?? e.sourceError;
  }
}

/** SQLSTATE of the first Postgres error in the chain, e.g. `23505` for a unique violation. */
export function pgErrorCode(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return pgErrorCode(err) === '23505';
}

const UNREACHABLE =
  /Error connecting to database|fetch failed|Network connection lost|ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|the database system is (starting up|shutting down)|Too many connections/i;

/**
 * True when the database could not be reached or is going away (not a bug in the query): the API answers 503
 * and queue consumers retry later instead of failing the work.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
      return true;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
    if (typeof e.message === 'string' && UNREACHABLE.test(e.message)) return true;
  }
  return false;
}

/**
 * Postgres refusing the data itself (a NUL byte, which text and jsonb cannot hold; an invalid byte sequence; a
 * value too long for its column): the client sent it, so it is their error, never a 500.
 */
export function isUnstorableInput(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code === '22021' || code === '22P05' || code === '22001' || code === '22P02' || code === '54000') return true;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /unsupported Unicode escape sequence|invalid byte sequence|\\u0000/i.test(message)
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
