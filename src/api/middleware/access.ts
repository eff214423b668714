import type { MiddlewareHandler } from 'hono';

/**
 * What an authenticating middleware demands of a caller, in OpenAPI terms. The middleware that enforces a check is
 * also what documents it (src/api/operation.ts reads this), so the document cannot drift from the code.
 */
export interface Access {
  /** The OpenAPI security requirements (which credentials are accepted). */
  security: Record<string, string[]>[];
  /** `x-required-scope`: the scope the caller's credential must carry (the API key's, when a key is accepted). */
  scope?: string;
  /** The sentence the operation's description ends with. */
  line: string;
  /** Whether a POST through this middleware honours `Idempotency-Key` (src/api/middleware/idempotency.ts). */
  idempotent: boolean;
}

const accessOfMiddleware = new WeakMap<MiddlewareHandler, Access>();

/** Returns `middleware`, remembered as enforcing `access`. */
export function withAccess<M extends MiddlewareHandler>(middleware: M, access: Access): M {
  accessOfMiddleware.set(middleware, access);
  return middleware;
}

/** The access the first documented middleware of a route enforces, if any. */
export function accessOf(middleware: readonly unknown[]): Access | undefined {
  for (const m of middleware) {
    const access = typeof m === 'function' ? accessOfMiddleware.get(m as MiddlewareHandler) : undefined;
    if (access) return access;
  }
  return undefined;
}

/** Routes anyone may call (their own checks, such as a provider's signature, are in their description). */
export const PUBLIC_ACCESS: Access = { security: [], line: 'Public: no authentication.', idempotent: false };
