// The quick fault-injection run in `npm test`: bench/faults.mjs on a stack of its own (embedded PostgreSQL, Neon
// proxy, stand-ins, wrangler dev with local Queues and cron; ports 31420–31424 and 8811) with 100 notifications per
// fault (for the workflow digest fault: 100 runs). The full run (3,000 each, every fault) is `npm run faults`;
// docs/reliability.md explains each fault.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DATA = '.data/faults-test';
const OUT = path.join(DATA, 'faults.json');
// In the order bench/faults.mjs runs them.
const FAULTS = ['flaky-provider', 'db-outage', 'workflow-digest-db-outage', 'duplicate-messages'];

function runFaults(): Promise<{ code: number | null; output: string }> {
  const args = ['bench/faults.mjs', '--quick', '--n', '100', '--only', FAULTS.join(',')];
  args.push('--port-base', '31420', '--http-port', '8811', '--data', DATA, '--out', OUT);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('fault injection (quick)', () => {
  it('a flaky provider, a database outage, duplicate queue messages and digest windows ending while the database is down lose nothing and send nothing twice', async () => {
    const run = await runFaults();
    const tail = run.output.split('\n').slice(-40).join('\n');
    expect(fs.existsSync(OUT), tail).toBe(true);
    const report = JSON.parse(fs.readFileSync(OUT, 'utf8'));
    const rows = report.results.map((r: any) => ({
      fault: r.fault,
      error: r.error ?? null,
      lost: r.lost,
      duplicates: r.duplicates,
      accountedFor: r.delivered + r.failed + r.deadLettered + r.retrying === r.sent,
      pass: r.pass,
    }));
    expect(rows, tail).toEqual(
      FAULTS.map((fault) => ({ fault, error: null, lost: 0, duplicates: 0, accountedFor: true, pass: true })),
    );
    const flaky = report.results.find((r: any) => r.fault === 'flaky-provider');
    expect(flaky.delivered).toBeGreaterThanOrEqual(Math.ceil(0.999 * flaky.sent));
    expect(flaky.providerCalls).toBeGreaterThan(flaky.sent); // 503s really happened and were retried
    const outage = report.results.find((r: any) => r.fault === 'db-outage');
    // While PostgreSQL was down the API answered 503 service_unavailable with the envelope, never a bare 500.
    expect(outage.apiBadResponses).toBe(0);
    expect(Object.keys(outage.apiSamples).some((k) => k.startsWith('503 service_unavailable'))).toBe(true);
    expect(Object.keys(outage.apiSamples).filter((k) => k.startsWith('500'))).toEqual([]);
    expect(report.results.find((r: any) => r.fault === 'duplicate-messages').copiesInjected).toBeGreaterThan(0);
    const digest = report.results.find((r: any) => r.fault === 'workflow-digest-db-outage');
    // The windows really ended during the outage and their flush wakes met the dead database.
    expect(digest.windowsEndedInOutage).toBeGreaterThan(0);
    expect(digest.flushWakesRetried).toBeGreaterThan(0);
    // One flush, one notification, one accepted digest per window; every run counted in exactly one of them.
    expect(digest.problems).toEqual([]);
    expect([digest.windowsClosed, digest.flushes, digest.notifications, digest.digestsAccepted]).toEqual(
      Array(4).fill(digest.windows),
    );
    expect(digest.sumOfWindowCounts).toBe(digest.sent);
    expect(digest.apiBadResponses).toBe(0);
    expect(Object.keys(digest.apiSamples).filter((k) => k.startsWith('500'))).toEqual([]);
    expect(run.code, tail).toBe(0);
  }, 600_000);
});
