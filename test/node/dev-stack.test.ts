// `npm run dev` as a new user meets it (issue 19): scripts/dev.mjs started for real on ports and a data dir of its
// own (8841, 31481–31483), then (1) the cron it must drive, since wrangler dev never fires Cron Triggers, and
// (3) README's "A first session with curl" block, read from README.md at test time and run with bash and curl.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper without types
import { readCrons, startCronDriver } from '../../scripts/cron-driver.mjs';
import { type DevStack, startDevStack } from '../helpers/dev-stack';

const { simpleParser } = createRequire(import.meta.url)('mailparser');
const PORTS = { http: 8841, pg: 31481, proxy: 31482, smtp: 31483 };
const WRANGLER_CRONS: string[] = readCrons('wrangler.toml');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('readCrons: the crons of wrangler.toml', () => {
  it('reads [triggers] crons exactly as wrangler itself does', async () => {
    const wrangler = await import('wrangler');
    const { rawConfig } = wrangler.experimental_readRawConfig({ config: 'wrangler.toml' });
    expect(rawConfig.triggers?.crons?.length).toBeGreaterThan(0);
    expect(WRANGLER_CRONS).toEqual(rawConfig.triggers?.crons);
  });

  it('follows the file, whatever its crons and however they are written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-crons-'));
    const toml = path.join(dir, 'wrangler.toml');
    fs.writeFileSync(
      toml,
      [
        'name = "x"',
        '[[rules]]',
        'crons = ["not this"]',
        '[triggers] # Cron Triggers',
        'crons = [',
        '  "*/5 * * * *", # every five minutes',
        "  '0 12 * * MON',",
        ']',
        '[vars]',
        'crons = ["nor this"]',
      ].join('\n'),
    );
    expect(readCrons(toml)).toEqual(['*/5 * * * *', '0 12 * * MON']);
    fs.writeFileSync(toml, 'name = "x"\n');
    expect(readCrons(toml)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.concurrent('npm run dev', () => {
  let stack: DevStack;
  beforeAll(async () => {
    stack = await startDevStack(PORTS);
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('says in its banner that it fires every cron of wrangler.toml, and when each fires next', ({ expect }) => {
    expect(stack.output()).toContain('Cron: every cron of wrangler.toml is fired on its schedule (UTC)');
    for (const cron of WRANGLER_CRONS) {
      expect(stack.output()).toMatch(
        new RegExp(`"${escapeRegExp(cron)}"\\s+next \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00\\.000Z`),
      );
    }
  });

  it('fires each cron of wrangler.toml into its wrangler dev, where scheduled() has jobs for it (schedule injected: every second)', async ({
    expect,
  }) => {
    const fired: { cron: string; scheduledTime: number; status?: number; error?: Error }[] = [];
    const driver = startCronDriver({
      baseUrl: stack.base,
      crons: WRANGLER_CRONS,
      scheduleOf: () => '* * * * * *',
      onFire: (f: (typeof fired)[number]) => fired.push(f),
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !WRANGLER_CRONS.every((c) => fired.some((f) => f.cron === c))) await sleep(100);
    driver.stop();
    for (const cron of WRANGLER_CRONS) {
      const first = fired.find((f) => f.cron === cron);
      // 200: scheduled() ran to the end without throwing (wrangler answers 500 when it throws)
      expect({ cron, status: first?.status, error: first?.error?.message }).toEqual({
        cron,
        status: 200,
        error: undefined,
      });
      expect((first?.scheduledTime ?? 1) % 1000).toBe(0); // Cloudflare's scheduledTime: the time it was due
    }
    expect(stack.output()).not.toContain('no jobs for this cron trigger');
    expect(stack.output()).not.toContain('cron job failed');
  });

  it('sends a notification scheduled 65 s ahead on time, with no manual step (the real every-minute schedule)', async ({
    expect,
  }) => {
    const sendAt = new Date(Date.now() + 65_000);
    const auth = { authorization: `Bearer ${stack.demoKey}`, 'content-type': 'application/json' };
    const res = await fetch(`${stack.base}/v1/notifications`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        to: { email: 'later@example.test' },
        content: { subject: 'Later', text: 'Sent by the every-minute cron' },
        sendAt: sendAt.toISOString(),
      }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // Beyond the enqueue horizon (60 s): only the every-minute cron can hand it to a queue.
    let delivery: { status: string; sentAt: string | null } | undefined;
    while (Date.now() < sendAt.getTime() + 20_000) {
      const got = (await (await fetch(`${stack.base}/v1/notifications/${id}`, { headers: auth })).json()) as {
        deliveries: { status: string; sentAt: string | null }[];
      };
      delivery = got.deliveries[0];
      if (delivery?.status === 'sent') break;
      await sleep(1000);
    }
    expect(delivery?.status, stack.output().slice(-8000)).toBe('sent');
    const lateness = Date.parse(delivery?.sentAt ?? '') - sendAt.getTime();
    expect(lateness).toBeGreaterThanOrEqual(-1000);
    expect(lateness).toBeLessThan(15_000);
    expect(stack.output()).toContain('[cron] "* * * * *" ran (200)');
  }, 100_000);

  it("runs every command of README's first-session block as written, each answering 2xx", async ({ expect }) => {
    const block = firstSessionBlock(fs.readFileSync('README.md', 'utf8'));
    // Only what the block defines for npm run dev is changed: its base URL and the catcher's port.
    expect(block).toMatch(/^NK=http:\/\/localhost:8787\b/m);
    expect(block.match(/"port":2525\b/g)).toHaveLength(1);
    const script = block
      .replace(/^NK=http:\/\/localhost:8787\b/m, `NK=${stack.base}`)
      .replace('"port":2525', `"port":${PORTS.smtp}`);
    const curls = curlCommands(block);
    expect(curls.length).toBeGreaterThan(10);

    const run = await runWithCurlLog(script);
    const failure = `exit ${run.code}\n--- stderr ---\n${run.stderr}\n--- curl log ---\n${run.log.join('\n')}`;
    expect(run.code, failure).toBe(0);
    expect(run.log, failure).toHaveLength(curls.length);
    for (const line of run.log) expect(line, failure).toMatch(/^2\d\d /);

    // The live key's send reached the SMTP catcher, which saved the real email and printed where.
    const mailDir = path.join(stack.dataDir, 'mail');
    let eml: string | undefined;
    for (let i = 0; i < 60 && !eml; i++) {
      eml = (fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : [])
        .map((f) => path.join(mailDir, f))
        .find((f) => fs.readFileSync(f, 'utf8').includes('Hi Ada, from the live key'));
      if (!eml) await sleep(500);
    }
    expect(eml, `no .eml from the live send\n${stack.output().slice(-5000)}`).toBeDefined();
    const message = fs.readFileSync(eml as string, 'utf8');
    expect(message).toMatch(/^Return-Path: <hi@acme\.test>\r\nDelivered-To: ada@example\.test\r\n/);
    expect((await simpleParser(message)).subject).toBe('Live');
    const shown = path.relative(process.cwd(), eml as string); // dev.mjs prints paths inside the project relative
    await stack.waitForOutput(new RegExp(`\\[smtp\\]\\s+saved ${escapeRegExp(shown)}\\n`), 5000);
  }, 60_000);
});

/** The first ```sh block after the heading "A first session with curl". */
function firstSessionBlock(readme: string): string {
  const at = readme.indexOf('### A first session with curl');
  expect(at, 'README.md has no "A first session with curl"').toBeGreaterThan(-1);
  const fence = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(fence, 'no ```sh block after "A first session with curl"').not.toBeNull();
  return fence?.[1] ?? '';
}

/** The curl invocations of a shell block: continuation lines joined, comments left out. */
function curlCommands(block: string): string[] {
  return block
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .flatMap((line) => line.match(/(?:^|[\s($;|])curl\s[^;)|]*/g) ?? []);
}

/**
 * Runs `script` in bash, stopping at the first failure (set -e, pipefail), with `curl` wrapped: each call appends
 * "<HTTP status> <args>" to a log and fails on a status other than 2xx; the body is printed as curl would.
 */
async function runWithCurlLog(script: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-readme-'));
  const logFile = path.join(dir, 'curl.log');
  fs.writeFileSync(logFile, '');
  const wrapper = String.raw`set -eo pipefail
curl() {
  local body status
  body=$(mktemp)
  status=$(command curl -o "$body" -w '%{http_code}' "$@") || { echo "curl failed: $*" >&2; return 1; }
  cat "$body"; rm -f "$body"
  printf '%s %s\n' "$status" "$*" >> "$CURL_LOG"
  case $status in 2??) ;; *) echo "HTTP $status from: curl $*" >&2; return 1 ;; esac
}
`;
  const child = spawn('bash', ['-c', `${wrapper}\n${script}`], {
    env: { ...process.env, CURL_LOG: logFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const log = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, stderr, log };
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
