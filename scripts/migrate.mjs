// Applies the drizzle-kit SQL in ./migrations to DATABASE_URL (npm run db:migrate), or is imported by local-db.mjs.
// Production: run `DATABASE_URL=<neon url> npm run db:migrate` from a machine that can reach Neon over TCP.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_FOLDER = path.resolve(here, '..', 'migrations');

export async function applyMigrations(url) {
  const pg = createRequire(import.meta.url)('pg'); // createRequire: bypass Vite's resolver under vitest
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set. Example: DATABASE_URL=postgres://user:pass@host/db npm run db:migrate');
    process.exit(2);
  }
  await applyMigrations(url);
  console.log(`migrations in ${MIGRATIONS_FOLDER} applied`);
}
