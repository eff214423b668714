// Runs in Node before the test workers start: a fresh embedded PostgreSQL with migrations + the Neon proxy.
// @ts-expect-error plain .mjs helper without types
import { startLocalDb } from '../scripts/local-db.mjs';
import { TEST_DB } from './test-db';

export default async function setup() {
  const db = await startLocalDb({
    dataDir: '.data/pg-test',
    pgPort: TEST_DB.pgPort,
    proxyPort: TEST_DB.proxyPort,
    fresh: true,
    log: (m: string) => console.log(m),
  });
  return async () => {
    await db.stop();
  };
}
