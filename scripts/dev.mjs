// npm run dev: the whole system on this machine with nothing else installed.
//   embedded PostgreSQL (.data/pg, kept between runs) + migrations + Neon-compatible proxy + SMTP catcher (each
//   message saved under .data/mail/) + wrangler dev on :8787 (local Queues, Durable Objects) + every cron of
//   wrangler.toml fired on its schedule (wrangler dev never fires them) + a demo tenant with a test key on first run.
// Ctrl-C stops everything it started. Extra args go to wrangler: npm run dev -- --port 8788
// A second stack beside it (tests do this): DEV_DATA_DIR, DEV_PG_PORT, DEV_PROXY_PORT, DEV_SMTP_PORT, DEV_HTTP_PORT.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCrons, startCronDriver } from './cron-driver.mjs';
import { startLocalDb } from './local-db.mjs';
import { startSmtpCatcher } from './smtp-catcher.mjs';
import { startWrangler, waitForHttp } from './wrangler-process.mjs';

const { simpleParser } = createRequire(import.meta.url)('mailparser');

const wranglerArgs = process.argv.slice(2);
const { values: argv } = parseArgs({
  args: wranglerArgs,
  options: { port: { type: 'string' }, config: { type: 'string', short: 'c' } },
  strict: false,
});
const PORTS = {
  pg: Number(process.env.DEV_PG_PORT ?? 54329),
  proxy: Number(process.env.DEV_PROXY_PORT ?? 54330),
  smtp: Number(process.env.DEV_SMTP_PORT ?? 2525),
  http: Number(typeof argv.port === 'string' ? argv.port : (process.env.DEV_HTTP_PORT ?? 8787)),
};
const DATA = path.resolve(process.env.DEV_DATA_DIR ?? '.data');
const MAIL = path.join(DATA, 'mail');
const DEMO_FILE = path.join(DATA, 'demo.json');
const started = performance.now();
const log = (msg) => console.log(`[dev] ${msg}`);
/** A path as the developer would type it: relative inside the project, absolute elsewhere. */
const shown = (p) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));

fs.mkdirSync(DATA, { recursive: true });
const db = await startLocalDb({ dataDir: path.join(DATA, 'pg'), pgPort: PORTS.pg, proxyPort: PORTS.proxy, log });
const smtp = await startSmtpCatcher({
  port: PORTS.smtp,
  mailDir: MAIL,
  onMessage: async (m) => {
    const mail = await simpleParser(m.raw);
    log(`[smtp] ${m.from} → ${m.to.join(', ')}: "${mail.subject ?? ''}" ${(mail.text ?? '').slice(0, 80).trim()}`);
    log(`[smtp]   saved ${shown(m.file)}`);
  },
});
log(`SMTP catcher on 127.0.0.1:${PORTS.smtp}, messages saved in ${shown(MAIL)}/`);

// The key that encrypts provider credentials: generated once and kept, or saved credentials would not decrypt.
const secretsFile = path.join(DATA, 'dev-secrets.json');
if (!fs.existsSync(secretsFile)) {
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
  fs.writeFileSync(secretsFile, `${JSON.stringify({ CREDENTIALS_KEYS: { k1: key } }, null, 2)}\n`, { mode: 0o600 });
}
const secrets = JSON.parse(fs.readFileSync(secretsFile, 'utf8'));

// Local secrets and overrides, regenerated every run (wrangler's --env-file; never committed).
const envFile = path.join(DATA, 'dev.env');
fs.writeFileSync(
  envFile,
  [
    `DATABASE_URL=${db.url}`,
    `PG_WS_PROXY=${db.wsProxy}`,
    'ENVIRONMENT=development',
    `PUBLIC_BASE_URL=http://127.0.0.1:${PORTS.http}`,
    'ALLOW_PRIVATE_WEBHOOK_TARGETS=on',
    `CREDENTIALS_KEYS=${JSON.stringify(secrets.CREDENTIALS_KEYS)}`,
    '',
  ].join('\n'),
);

const wrangler = startWrangler({
  port: PORTS.http,
  envFile,
  extraArgs: wranglerArgs.filter((a, i) => !a.startsWith('--port') && wranglerArgs[i - 1] !== '--port'),
  // A second stack keeps its Durable Object and queue state apart from the default one in .wrangler/state.
  persistTo: process.env.DEV_DATA_DIR ? path.join(DATA, 'wrangler') : undefined,
});
let cron;

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  cron?.stop();
  await wrangler.stop();
  await smtp.close();
  await db.stop();
  log('stopped');
  process.exit(code);
}
wrangler.child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

const base = `http://127.0.0.1:${PORTS.http}`;
try {
  await waitForHttp(`${base}/health`, 60_000, () => stopping);
} catch (err) {
  log(err.message);
  await stop(1);
}
cron = driveCron();
const demo = await ensureDemoTenant();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`
──────────────────────────────────────────────────────────────────────────────
 notifykit is running on ${base}  (ready in ${seconds} s)

 Demo tenant ${demo.tenantId}, test API key (saved in ${shown(DEMO_FILE)}):
   ${demo.key}

 Try it:
   curl -s ${base}/v1/subscribers/user-1 -X PUT \\
     -H "Authorization: Bearer ${demo.key}" -H "Content-Type: application/json" \\
     -d '{"email":"ada@example.test","name":"Ada"}'
   curl -s ${base}/v1/subscribers -H "Authorization: Bearer ${demo.key}"
   curl -s ${base}/v1/notifications -H "Authorization: Bearer ${demo.key}" -H "Content-Type: application/json" \\
     -d '{"to":"user-1","content":{"subject":"Hello","text":"Hi Ada"}}'
   curl -s ${base}/v1/sandbox/messages -H "Authorization: Bearer ${demo.key}"   # test keys deliver here

 In-app inbox: mint a subscriber token, open the demo page with it, then send to the inbox:
   curl -s ${base}/v1/subscribers/user-1/token -X POST -H "Authorization: Bearer ${demo.key}"
   open ${base}/demo/inbox#token=<token from above>
   curl -s ${base}/v1/notifications -H "Authorization: Bearer ${demo.key}" -H "Content-Type: application/json" \\
     -d '{"to":"user-1","channels":["in_app"],"content":{"title":"Hello","body":"From the inbox"}}'

 Dashboard (charts of what you sent; sign in with the key above): ${base}/dashboard
 API reference: ${base}/docs    OpenAPI: ${base}/openapi.json
 Postgres: ${db.url}    SMTP catcher: 127.0.0.1:${PORTS.smtp} (each email saved in ${shown(MAIL)}/)
 ${cronBanner()}
 Ctrl-C stops everything.
──────────────────────────────────────────────────────────────────────────────
`);

/**
 * wrangler dev never fires Cron Triggers: fire each cron of wrangler.toml on its schedule, as Cloudflare would, or
 * scheduled and recurring sends would never go out. Failures are always logged; successes once per cron.
 */
function driveCron() {
  const crons = readCrons(typeof argv.config === 'string' ? argv.config : 'wrangler.toml');
  const reported = new Set();
  return startCronDriver({
    baseUrl: base,
    crons,
    onFire: ({ cron, status, error }) => {
      if (status === 200 && reported.has(cron)) return;
      if (status === 200) reported.add(cron);
      const outcome = error ? `failed: ${error.message}` : status === 200 ? 'ran (200)' : `failed (${status})`;
      log(`[cron] "${cron}" ${outcome}${status === 200 ? '; later runs are logged only if they fail' : ''}`);
    },
  });
}

function cronBanner() {
  if (cron.crons.length === 0) return 'Cron: wrangler.toml has no [triggers] crons';
  const next = cron.nextRuns().map(({ cron: c, at }) => `   "${c}"  next ${at?.toISOString() ?? 'never'}`);
  return [
    'Cron: every cron of wrangler.toml is fired on its schedule (UTC), as Cloudflare would:',
    ...next,
    ` Fire one now: curl "${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}"`,
  ].join('\n');
}

/** The demo tenant from an earlier run if its key still works (data is kept), else a new one via signup. */
async function ensureDemoTenant() {
  if (fs.existsSync(DEMO_FILE)) {
    const saved = JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8'));
    const check = await fetch(`${base}/v1/api-keys?limit=1`, { headers: { authorization: `Bearer ${saved.key}` } });
    if (check.ok) return saved;
    log(`saved demo key no longer works (${check.status}); creating a new demo tenant`);
  }
  const res = await fetch(`${base}/v1/tenants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Demo tenant', email: 'demo@example.test' }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`demo signup failed: ${res.status} ${JSON.stringify(body)}`);
  const demo = { tenantId: body.tenant.id, keyId: body.apiKey.id, key: body.apiKey.key };
  fs.writeFileSync(DEMO_FILE, `${JSON.stringify(demo, null, 2)}\n`);
  return demo;
}
