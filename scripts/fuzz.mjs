// npm run fuzz [-- --runs 10000] [-- --family /v1/notifications]
// Property-based fuzzing of every documented operation against the real local stack (its own embedded Postgres,
// the Neon proxy and wrangler dev on ports of their own): at least `runs` generated hostile requests per route
// family (/v1/notifications, /v1/subscribers, …). Invariants: never a 5xx, always the error envelope, and a batch
// of rejected requests writes nothing (row counts and last updates of every tenant table unchanged).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { operationsOf, requestFor, violation } from '../test/fuzz/request-generators.mjs';
import { pgClient, startLocalDb } from './local-db.mjs';
import { randomCredentialsKeys, startWrangler, waitForHttp, writeEnvFile } from './wrangler-process.mjs';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    family: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
const RUNS = Number(args.runs);
const SEED = Number(args.seed);
const PORTS = { pg: 54395, proxy: 54396, http: 8803 };
const BASE = `http://127.0.0.1:${PORTS.http}`;
const BATCH = 50;
const CONCURRENCY = 8;
const log = (m) => console.log(`[fuzz] ${m}`);

// Under .data (like the bench): embedded Postgres drops root and cannot use a private mkdtemp directory.
const tmp = path.resolve('.data/fuzz');
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync(tmp, { recursive: true });
const db = await startLocalDb({
  dataDir: path.join(tmp, 'pg'),
  pgPort: PORTS.pg,
  proxyPort: PORTS.proxy,
  fresh: true,
  log,
});
const pg = pgClient(db.url);
await pg.connect();
const envFile = writeEnvFile(path.join(tmp, 'fuzz.env'), {
  DATABASE_URL: db.url,
  PG_WS_PROXY: db.wsProxy,
  ENVIRONMENT: 'development',
  LOG_LEVEL: 'error',
  CREDENTIALS_KEYS: randomCredentialsKeys(),
});
const wrangler = startWrangler({
  port: PORTS.http,
  envFile,
  persistTo: path.join(tmp, 'wrangler'),
  stdio: ['ignore', 'ignore', 'inherit'],
  extraArgs: ['--log-level', 'error'],
});

async function shutdown(code) {
  await wrangler.stop();
  await pg.end().catch(() => {});
  await db.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));

/** Row counts and last updates of every tenant-scoped table for the tenant. */
async function fingerprint(tenantId) {
  const { rows: tables } = await pg.query(`
    SELECT c.table_name, bool_or(u.column_name IS NOT NULL) AS has_updated
    FROM information_schema.columns c
    LEFT JOIN information_schema.columns u
      ON u.table_name = c.table_name AND u.table_schema = c.table_schema AND u.column_name = 'updated_at'
    WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND c.table_name <> 'idempotency_keys'
    GROUP BY c.table_name ORDER BY c.table_name`);
  const sql = tables
    .map(
      (t) =>
        `SELECT '${t.table_name}' AS t, count(*)::text || ':' || ${t.has_updated ? "COALESCE(max(updated_at)::text, '')" : "''"} AS v FROM "${t.table_name}" WHERE tenant_id = $1`,
    )
    .join(' UNION ALL ');
  return JSON.stringify((await pg.query(sql, [tenantId])).rows);
}

async function send(key, req) {
  const res = await fetch(BASE + req.path, {
    method: req.method,
    headers: { ...req.headers, authorization: `Bearer ${key}` },
    body: req.body,
    redirect: 'manual',
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

try {
  await waitForHttp(`${BASE}/health`, 60_000);
  const signup = await (
    await fetch(`${BASE}/v1/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Fuzz', email: 'fuzz@example.test' }),
    })
  ).json();
  const key = signup.apiKey.key;
  const tenantId = signup.tenant.id;
  await pg.query('UPDATE tenants SET api_rate_limit_per_second = 1000000 WHERE id = $1', [tenantId]);
  const doc = await (await fetch(`${BASE}/openapi.json`)).json();
  const ops = operationsOf(doc).filter(
    (o) => o.template !== '/v1/tenants' && (!args.family || o.family === args.family),
  );
  const families = [...new Set(ops.map((o) => o.family))].sort();
  log(`seed ${SEED}: ${ops.length} operations in ${families.length} families, ≥ ${RUNS} cases per family`);
  const report = [];
  const problems = [];
  for (const family of families) {
    const familyOps = ops.filter((o) => o.family === family);
    const perOp = Math.ceil(RUNS / familyOps.length);
    const requests = familyOps.flatMap((op, i) => fc.sample(requestFor(op), { seed: SEED + i, numRuns: perOp }));
    const started = performance.now();
    const statuses = {};
    for (let b = 0; b < requests.length; b += BATCH) {
      const batch = requests.slice(b, b + BATCH);
      const before = await fingerprint(tenantId);
      let allRejected = true;
      const queue = [...batch];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let req = queue.shift(); req; req = queue.shift()) {
            let res;
            try {
              res = await send(key, req);
            } catch (err) {
              problems.push(`${req.method} ${req.path.slice(0, 100)}: ${err.message}`);
              continue;
            }
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            if (res.status < 400) allRejected = false;
            const broken = violation(res.status, res.contentType, res.text);
            if (broken) problems.push(`${req.method} ${req.path.slice(0, 100)}: ${broken}`);
          }
        }),
      );
      if (allRejected && (await fingerprint(tenantId)) !== before) {
        problems.push(`${family}: a batch of ${batch.length} rejected requests wrote data`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    report.push({
      family,
      operations: familyOps.length,
      cases: requests.length,
      seconds: Math.round(seconds),
      statuses,
    });
    log(`${family}: ${requests.length} cases in ${seconds.toFixed(0)} s ${JSON.stringify(statuses)}`);
  }
  fs.mkdirSync('bench/out', { recursive: true });
  fs.writeFileSync('bench/out/fuzz.json', `${JSON.stringify({ seed: SEED, report, problems }, null, 2)}\n`);
  const total = report.reduce((a, r) => a + r.cases, 0);
  log(
    `${total} cases, ${problems.length} problems${problems.length ? `:\n  ${problems.slice(0, 50).join('\n  ')}` : ''}`,
  );
  await shutdown(problems.length ? 1 : 0);
} catch (err) {
  console.error(err);
  await shutdown(1);
}
