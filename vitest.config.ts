import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { configDefaults, defineConfig } from 'vitest/config';
import { TEST_CREDENTIALS_KEYS, TEST_DB, TEST_METRICS_TOKEN, TEST_PROVIDER_BASE_URLS } from './test/test-db.ts';

export default defineConfig({
  test: {
    // Runs once for all projects: the fresh Postgres and provider stand-ins both projects talk to.
    globalSetup: ['./test/global-setup.ts'],
    // `npm run coverage` (not `npm test`): istanbul, because the workers pool cannot run v8 coverage (no
    // node:inspector in workerd). Only code that runs inside the test isolate is counted: the `workers` project.
    // The `node` and `browser` projects drive `wrangler dev` child processes, whose src is not instrumented.
    // src/inbox-client/ and src/dashboard-client/ are browser code the Worker serves as text (wrangler.toml
    // [[rules]]): chromium runs them in the browser project, where istanbul cannot reach.
    coverage: {
      provider: 'istanbul',
      include: ['src/**'],
      exclude: ['src/inbox-client/**', 'src/dashboard-client/**', 'src/**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: './coverage',
    },
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // lets tests call exports.default.queue() / .scheduled()
              compatibilityFlags: ['service_binding_extra_handlers'],
              // the worker talks to the fresh Postgres that test/global-setup.ts starts
              bindings: {
                ENVIRONMENT: 'test',
                LOG_LEVEL: 'warn', // keep test output readable; failures still log
                DATABASE_URL: TEST_DB.url,
                PG_WS_PROXY: TEST_DB.wsProxy,
                CREDENTIALS_KEYS: JSON.stringify(TEST_CREDENTIALS_KEYS),
                // every HTTP provider points at its stand-in (test/stand-ins/provider-apis.mjs)
                PROVIDER_BASE_URLS: JSON.stringify(TEST_PROVIDER_BASE_URLS),
                CIRCUIT_FAILURE_THRESHOLD: '3',
                PROVIDER_TIMEOUT_SECONDS: '1.5',
                PUBLIC_BASE_URL: 'http://api.test',
                ALLOW_PRIVATE_WEBHOOK_TARGETS: 'on', // provider stand-ins listen on 127.0.0.1
                CIRCUIT_COOLDOWN_SECONDS: '2',
                // retries at once, so failure scenarios run in seconds (Retry-After from a stand-in is still honoured)
                RETRY_BASE_DELAY_SECONDS: '0',
                // outgoing webhooks: 3 retries 1 s apart (production: 5 s … 10 h), so a failing receiver is exhausted in seconds
                WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1',
                WEBHOOK_TIMEOUT_SECONDS: '2',
                // GET /metrics (operator token): test/integration/metrics.test.ts
                METRICS_TOKEN: TEST_METRICS_TOKEN,
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**', 'test/node/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Real chromium (playwright-core) against a `wrangler dev` the test starts: Node, outside workerd.
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['./test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Node-side checks that spawn tools the workers pool cannot: promtool on the alert rules, the dashboard's
        // queries and the /metrics of a `wrangler dev` the test starts (port 8799).
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          globalSetup: ['./test/node/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
