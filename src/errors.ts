/**
 * The one error type of the API. Clients branch on `code`; the HTTP status follows from it.
 * Envelope: { "error": { "code", "message", "details"?, "requestId" } }.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  invalid_signature: 401,
  /** GET /metrics without the operator's METRICS_TOKEN. */
  invalid_metrics_token: 401,
  insufficient_scope: 403,
  /** A cookie-authenticated (dashboard) write from another origin: refused as cross-site request forgery. */
  origin_not_allowed: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_in_flight: 409,
  budget_exceeded: 402,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  upgrade_required: 426,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface ErrorDetail {
  path?: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. Retry-After on 429/409/503. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId: string };
}

export function errorEnvelope(err: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), requestId },
  };
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
