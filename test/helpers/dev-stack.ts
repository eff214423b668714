// `npm run dev` (scripts/dev.mjs) as a new user starts it, for node-side tests: the whole stack (embedded
// PostgreSQL, Neon proxy, SMTP catcher, wrangler dev, cron driver, demo tenant) on ports and a data dir of its own
// (DEV_* variables), so it runs beside a developer's own `npm run dev` and the test stack. It runs a frozen copy of
// the Worker (bench/worker-snapshot.mjs): wrangler dev reloads on every edit under src/, a reload empties the local
// queue broker (delayed messages vanish), and other people edit src/ while a suite runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// @ts-expect-error plain .mjs helper without types
import { snapshotWorker } from '../../bench/worker-snapshot.mjs';

export interface DevStackPorts {
  http: number;
  pg: number;
  proxy: number;
  smtp: number;
}

export interface DevStack {
  base: string;
  ports: DevStackPorts;
  /** DEV_DATA_DIR, under .data/ (node resolves the Worker copy's packages from the project): pg/, mail/, demo.json… */
  dataDir: string;
  /** The demo tenant's test key that dev.mjs created and printed. */
  demoKey: string;
  /** Everything dev.mjs (and wrangler under it) printed so far. */
  output(): string;
  /** Resolves with the output once `pattern` appears in it, or rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Starts scripts/dev.mjs and resolves once its banner is printed (the stack is ready). */
export async function startDevStack(ports: DevStackPorts, timeoutMs = 60_000): Promise<DevStack> {
  fs.mkdirSync('.data', { recursive: true });
  const dataDir = fs.mkdtempSync(path.resolve('.data/dev-stack-'));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as OS user postgres and must reach pg/ inside
  const workerConfig: string[] = snapshotWorker(path.join(dataDir, 'worker'));
  const child = spawn(process.execPath, ['scripts/dev.mjs', ...workerConfig], {
    detached: true, // its own process group: stop() can end wrangler/workerd even if dev.mjs hangs
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DEV_DATA_DIR: dataDir,
      DEV_HTTP_PORT: String(ports.http),
      DEV_PG_PORT: String(ports.pg),
      DEV_PROXY_PORT: String(ports.proxy),
      DEV_SMTP_PORT: String(ports.smtp),
    },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {}
  };

  const waitForOutput = (pattern: RegExp, ms: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (child.exitCode !== null) {
          done();
          reject(
            new Error(`dev.mjs exited (${child.exitCode}) before ${pattern}\n--- output ---\n${output.slice(-20_000)}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${ms / 1000} s\n--- dev.mjs output ---\n${output.slice(-20_000)}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', check);
      };
      listeners.add(check);
      child.on('exit', check);
      check();
    });

  const stop = async () => {
    if (child.exitCode === null) {
      // dev.mjs itself stops what it started (cron, wrangler's own process group, SMTP, PostgreSQL) in order.
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      killGroup('SIGKILL');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForOutput(/Ctrl-C stops everything\./, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as { key: string };
  return {
    base: `http://127.0.0.1:${ports.http}`,
    ports,
    dataDir,
    demoKey: demo.key,
    output: () => output,
    waitForOutput,
    stop,
  };
}
