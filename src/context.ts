import { createDb, type Db } from './db/client';
import { type AppBindings, type AppConfig, loadConfig } from './env';
import { createLogger, type Logger } from './observability/logger';

/**
 * What a domain service, a queue consumer or a cron job needs: the database, the bindings, the parsed config and a
 * logger. HTTP handlers build it from the request's variables (`appContextOf` in api/context.ts).
 */
export interface AppContext {
  db: Db;
  env: AppBindings;
  config: AppConfig;
  log: Logger;
}

/** One context per queue batch or cron run; `fields` go on every log line (the queue, the cron). */
export function createAppContext(env: AppBindings, fields: Record<string, unknown>): AppContext {
  const config = loadConfig(env);
  return { db: createDb(env), env, config, log: createLogger(fields, config.LOG_LEVEL) };
}
