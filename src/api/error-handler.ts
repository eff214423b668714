import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable, isUnstorableInput } from '../db/errors';
import { ApiError, type ErrorDetail, errorEnvelope } from '../errors';
import { createLogger } from '../observability/logger';
import type { AppEnv } from './context';

/** zod issues → envelope details, with the part of the request they came from (`body.email`, `query.limit`). */
export function validationError(error: ZodError, target: string): ApiError {
  const details: ErrorDetail[] = error.issues.map((issue) => ({
    path: [target === 'json' ? 'body' : target, ...issue.path.map(String)].join('.'),
    message: issue.message,
    code: issue.code,
  }));
  return new ApiError('validation_failed', 'Request validation failed', details);
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

export function respondWithError(c: Context<AppEnv>, err: ApiError): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const res = c.json(errorEnvelope(err, requestId), err.status);
  for (const [name, value] of Object.entries(err.headers ?? {})) res.headers.set(name, value);
  res.headers.set('X-Request-Id', requestId);
  return res;
}
