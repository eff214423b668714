import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppContext } from '../context';
import type { Db } from '../db/client';
import type { KeyMode } from '../domain/api-keys/key-format';
import type { SubscriberClaims } from '../domain/subscribers/subscriber-token';
import type { AppBindings, AppConfig } from '../env';
import { ApiError } from '../errors';
import type { Logger } from '../observability/logger';

/** Who is calling: set by the auth middleware from the API key. */
export interface AuthContext {
  tenantId: string;
  keyId: string;
  mode: KeyMode;
  scopes: string[];
}

export interface AppEnv {
  Bindings: AppBindings;
  Variables: {
    requestId: string;
    /** W3C traceparent of this request's span (the caller's trace continued, or a new one). */
    traceparent: string;
    log: Logger;
    config: AppConfig;
    db: Db;
    auth?: AuthContext;
    /** Set by requireSubscriber from a subscriber token. */
    subscriber?: SubscriberClaims;
    /** Set once the Idempotency-Key handling has taken charge of this request. */
    idempotencyClaimed?: boolean;
  };
}

export type App = OpenAPIHono<AppEnv>;

/** The caller's tenant and key; only valid behind `requireScope` (a bug otherwise, hence the 500). */
export function authOf(c: Context<AppEnv>): AuthContext {
  const auth = c.get('auth');
  if (!auth) throw new ApiError('internal_error', 'route is missing its auth middleware');
  return auth;
}

/** The request's view of the app context, for domain services called from a handler. */
export const appContextOf = (c: Context<AppEnv>): AppContext => ({
  db: c.var.db,
  env: c.env,
  config: c.var.config,
  log: c.var.log,
});
