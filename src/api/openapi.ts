import { z } from '@hono/zod-openapi';
import { ERROR_STATUS, type ErrorCode } from '../errors';

/** Shared OpenAPI building blocks, so every route documents the same envelope and auth. */

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z
        .array(z.object({ path: z.string().optional(), message: z.string(), code: z.string().optional() }))
        .optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'Malformed request (invalid JSON)',
  401: 'Missing, invalid, revoked or expired API key',
  403: 'The API key lacks the required scope',
  404: 'Not found (or owned by another tenant)',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: 'Content-Type is not application/json',
  422: 'Validation failed; `details` lists each problem',
  426: 'A WebSocket endpoint called without Upgrade: websocket',
  429: 'Rate limited; see Retry-After',
  503: 'Database unavailable; retry',
} as const;

type DocumentedStatus = keyof typeof ERROR_DESCRIPTIONS;

export function errorResponses<S extends DocumentedStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  ) as unknown as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}

/** The errors any authenticated route can answer with. */
export const AUTHED_ERRORS = [401, 403, 429, 503] as const;
/** ... plus those of a route that takes a JSON body. */
export const BODY_ERRORS = [400, 413, 415, 422] as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON body; its example is typed by the schema, so it cannot drift from what the route accepts. */
export const jsonBody = <T extends z.ZodType>(schema: T, example: z.input<T>) => ({
  required: true,
  content: { 'application/json': { schema, example } },
});

/** A JSON body the route also accepts absent (or `{}`). */
export const optionalJsonBody = <T extends z.ZodType>(schema: T, example: z.input<T>) => ({
  required: false,
  content: { 'application/json': { schema, example } },
});

/** `?limit=&after=` shared by every list endpoint. */
export const pageQuery = (idPrefix: string) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1–100)' }),
    after: z
      .string()
      .regex(new RegExp(`^${idPrefix}_[0-9a-z]{26}$`), `must be a cursor returned as "next"`)
      .optional()
      .openapi({ description: 'The `next` cursor of the previous page' }),
  });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next: z.string().nullable().openapi({ description: 'Cursor of the next page' }) });

/** `?limit=&after=` for lists of numbered versions (templates, workflows): the cursor is the last version number. */
export const versionPageQuery = () =>
  z.object({
    limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1–100)' }),
    after: z
      .string()
      .regex(/^[1-9][0-9]{0,8}$/, 'must be a cursor returned as "next"')
      .optional()
      .openapi({ description: 'The `next` cursor of the previous page' }),
  });

/** The optional body of a publish: none freezes the draft, `version` publishes an earlier one again. */
export const PublishVersionBody = z
  .object({
    version: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Publish an earlier version again (rollback)' }),
  })
  .strict()
  .openapi('PublishVersionRequest');
