import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs src/db/schema against migrations/meta and writes the next SQL migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:54329/app' },
});
