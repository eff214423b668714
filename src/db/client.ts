import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as schema from './schema';

export interface DbBindings {
  DATABASE_URL: string;
  PG_WS_PROXY?: string;
}

/** Local development and tests only: plain ws:// and http:// to scripts/neon-local-proxy.mjs. */
function configureLocalProxy(proxy: string | undefined) {
  if (!proxy) return; // production talks to Neon's own proxy; the driver defaults are right
  neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = () => `http://${proxy}/sql`;
}

/**
 * Drizzle over Neon's SQL-over-HTTP: one round trip per query, or per `db.batch([...])` which runs as one
 * transaction. Stateless, so it is safe to create per request (a WebSocket Pool must never outlive its request).
 */
export function createDb(env: DbBindings) {
  configureLocalProxy(env.PG_WS_PROXY);
  return drizzle({ client: neon(env.DATABASE_URL), schema });
}

export type Db = ReturnType<typeof createDb>;
export { schema };
