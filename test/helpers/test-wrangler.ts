// A real `wrangler dev` for the node-side tests (browser and node projects): the Worker on the test Postgres from
// test/global-setup.ts, in a temp dir of its own, with its output kept for assertions and for failure messages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain .mjs helper without types
import { startWrangler, waitForHttp, writeEnvFile } from '../../scripts/wrangler-process.mjs';
import { TEST_CREDENTIALS_KEYS, TEST_DB } from '../test-db';

export interface TestWrangler {
  /** Resolves once /health answers; rejects with the tail of wrangler's output if it never does. */
  ready: Promise<void>;
  /** Everything wrangler dev printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts wrangler dev on `port` with the test database and credentials plus `vars` (which win). */
export function startTestWrangler(port: number, vars: Record<string, string> = {}): TestWrangler {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-wrangler-'));
  const envFile = writeEnvFile(path.join(tmp, 'test.env'), {
    DATABASE_URL: TEST_DB.url,
    PG_WS_PROXY: TEST_DB.wsProxy,
    CREDENTIALS_KEYS: JSON.stringify(TEST_CREDENTIALS_KEYS),
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    ...vars,
  });
  const wrangler = startWrangler({
    port,
    envFile,
    persistTo: path.join(tmp, 'state'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  wrangler.child.stdout?.on('data', keep);
  wrangler.child.stderr?.on('data', keep);
  const ready = (waitForHttp(`http://127.0.0.1:${port}/health`, 45_000) as Promise<void>).catch((err: Error) => {
    throw new Error(`${err.message}\n--- wrangler dev output ---\n${output.slice(-20_000)}`);
  });
  return {
    ready,
    output: () => output,
    async stop() {
      await wrangler.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
