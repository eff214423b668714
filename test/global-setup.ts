// Runs in Node before the test workers start: a fresh embedded PostgreSQL with migrations + the Neon proxy.
// @ts-expect-error plain .mjs helper without types
import { startLocalDb } from '../scripts/local-db.mjs';
// @ts-expect-error plain .mjs helper without types
import { startStandIns } from './stand-ins/provider-stand-in.mjs';
import { TEST_DB, TEST_STAND_INS } from './test-db';

export default async function setup() {
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
