import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable, isUnstorableInput } from '../db/errors';
import { ApiError, type ErrorDetail, errorEnvelope } from '../errors';
import { createLogger } from '../observability/logger';
import type { AppEnv } from './context';
import type { AllowedMethods } from './middleware/allowed-methods';

/** zod issues → envelope details, with the part of the request they came from (`body.email`, `query.limit`). */
export function validationError(error: ZodError, target: string, input?: unknown): ApiError {
  const details: ErrorDetail[] = error.issues.map((issue) => {
    // Inside a workflow's steps, say which step: `step 'wait': …` reads better than an index.
    const step = input === undefined ? undefined : stepIdAt(input, issue.path);
    return {
      path: [target === 'json' ? 'body' : target, ...issue.path.map(String)].join('.'),
      message: step && !issue.message.startsWith('step ') ? `step '${step}': ${issue.message}` : issue.message,
      code: issue.code,
    };
  });
  return new ApiError('validation_failed', 'Request validation failed', details);
}

/** The id of the innermost step an issue path runs through (`steps.2…`, `…branches.0.steps.1…`), if it has one. */
function stepIdAt(input: unknown, path: PropertyKey[]): string | undefined {
  let node: unknown = input;
  let found: string | undefined;
  for (let i = 0; i < path.length && node && typeof node === 'object'; i++) {
    node = (node as Record<PropertyKey, unknown>)[path[i] as string];
    const inSteps = (path[i - 1] === 'steps' || path[i - 1] === 'else') && typeof path[i] === 'number';
    const id = inSteps && node && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
    if (typeof id === 'string') found = id;
  }
  return found;
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    // Hono's own validators/helpers: the client sent something unusable.
    if (err.status === 413) return new ApiError('payload_too_large', err.message);
    if (err.status === 415) return new ApiError('unsupported_media_type', err.message);
    if (err.status < 500) return new ApiError('invalid_request', err.message || 'Malformed request');
  }
  if (isUnstorableInput(err)) {
    return new ApiError(
      'validation_failed',
      'The request contains characters or values that cannot be stored (e.g. NUL bytes)',
    );
  }
  if (isDatabaseUnavailable(err)) {
    return new ApiError('service_unavailable', 'The database is unavailable; retry shortly', undefined, {
      'Retry-After': '5',
    });
  }
  return new ApiError('internal_error', 'Internal error');
}

/** Every error leaves as the one envelope; only our own bugs are 500s, and they are logged with the stack. */
export const errorHandler: ErrorHandler<AppEnv> = (err, c) => {
  const apiError = toApiError(err);
  const log = c.get('log') ?? createLogger();
  if (apiError.code === 'service_unavailable') log.warn('database unavailable', { err });
  else if (apiError.status >= 500) log.error('unhandled error', { err, code: apiError.code });
  return respondWithError(c, apiError);
};

/**
 * No route answered. A path that exists with other methods is a 405 whose `Allow` names them (RFC 9110 §15.5.6);
 * only a path no route has is a 404.
 */
export function routeNotFound(allowedMethods: AllowedMethods): NotFoundHandler<AppEnv> {
  return (c) => {
    const allow = allowedMethods(c.req.path);
    if (allow.length > 0 && !allow.includes(c.req.method)) {
      const methods = allow.join(', ');
      const message = `${c.req.method} is not allowed on ${c.req.path}; use ${methods}`;
      return respondWithError(c, new ApiError('method_not_allowed', message, undefined, { Allow: methods }));
    }
    return respondWithError(c, new ApiError('route_not_found', `No route for ${c.req.method} ${c.req.path}`));
  };
}

export function respondWithError(c: Context<AppEnv>, err: ApiError): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const res = c.json(errorEnvelope(err, requestId), err.status);
  for (const [name, value] of Object.entries(err.headers ?? {})) res.headers.set(name, value);
  res.headers.set('X-Request-Id', requestId);
  return res;
}
