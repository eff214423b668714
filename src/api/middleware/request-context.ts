import type { MiddlewareHandler } from 'hono';
import { createDb } from '../../db/client';
import { loadConfig } from '../../env';
import { newId } from '../../lib/ids';
import { createLogger } from '../../observability/logger';
import { continueTrace, traceIdOf } from '../../observability/trace-context';
import type { AppEnv } from '../context';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware: request id (a client's `X-Request-Id` if sane, else a new one; echoed on the response),
 * the per-request logger, config and database handle, and one access-log line per request.
 */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const requestId = incoming && CLIENT_REQUEST_ID.test(incoming) ? incoming : newId('req');
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  const traceparent = continueTrace(c.req.header('traceparent'));
  c.set('traceparent', traceparent);
  const config = loadConfig(c.env);
  const log = createLogger({ requestId, traceId: traceIdOf(traceparent) }, config.LOG_LEVEL);
  c.set('log', log);
  c.set('config', config);
  c.set('db', createDb(c.env));
  const started = Date.now();
  await next();
  c.header('X-Request-Id', requestId);
  // Lets a caller find our span in its trace; a 101 (inbox socket) has immutable headers.
  if (c.res.status !== 101) c.header('traceparent', traceparent);
  const auth = c.get('auth');
  const fields = {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - started,
    ...(auth ? { tenantId: auth.tenantId, keyId: auth.keyId } : {}),
  };
  if (c.res.status >= 500) log.error('request failed', fields);
  else log.info('request', fields);
};
