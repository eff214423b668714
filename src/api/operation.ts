import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { type Access, accessOf } from './middleware/access';

/** The `Idempotency-Key` request header, registered once as a component (src/api/openapi-document.ts). */
export const IDEMPOTENCY_KEY_PARAMETER = { $ref: '#/components/parameters/IdempotencyKey' };

type OperationConfig = Omit<RouteConfig, 'path'> & {
  path: string;
  /** Stable name for generated clients: the camelCase of the route's file name. */
  operationId: string;
  /** What the operation does beyond its summary; the access line is appended. */
  description: string;
  /** For a route with no authenticating middleware: who may call it (PUBLIC_ACCESS, or the handler's own check). */
  access?: Access;
};

/**
 * `createRoute` plus what every operation must document, derived from the middleware that enforces it: `security`,
 * `x-required-scope` and a closing "Required scope" sentence, and the `Idempotency-Key` header on a POST whose
 * middleware honours it. A route that neither runs an authenticating middleware nor says `access` fails at start-up,
 * so none is published as public by omission.
 */
export function operation<P extends string, R extends OperationConfig & { path: P }>(config: R) {
  const { access: declared, ...route } = config;
  const access = accessOf(route.middleware ? [route.middleware].flat() : []) ?? declared;
  if (!access) throw new Error(`${route.method.toUpperCase()} ${route.path}: no authenticating middleware or access`);
  const idempotent = route.method === 'post' && access.idempotent;
  return createRoute({
    ...route,
    description: `${route.description}\n\n${access.line}${idempotent ? ` ${IDEMPOTENT_LINE}` : ''}`,
    security: access.security,
    ...(access.scope ? { 'x-required-scope': access.scope } : {}),
    ...(idempotent ? { parameters: [...(route.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER] } : {}),
  } as Omit<R, 'access'>);
}

const IDEMPOTENT_LINE = 'Safe to retry with the same `Idempotency-Key`.';
