// `wrangler deploy --dry-run` as CI's proof that the Worker bundles for Cloudflare (docs/deploy.md), and the size
// it would upload against the Workers limit. No network: dry-run builds and stops before any API call.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Workers Free plan: 3 MB after gzip (Paid: 10 MB). We hold ourselves to the smaller one. */
const LIMIT_KIB = 3 * 1024;

describe('deploy bundle', () => {
  it('builds with wrangler deploy --dry-run and stays under the Workers size limit', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-bundle-'));
    const localNode = path.resolve('node_modules/.bin/node');
    const run = spawnSync(
      fs.existsSync(localNode) ? localNode : process.execPath,
      ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir],
      { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, timeout: 120_000 },
    );
    fs.rmSync(outdir, { recursive: true, force: true });
    const out = `${run.stdout}\n${run.stderr}`;
    expect(run.status, out.slice(-4000)).toBe(0);
    const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(out);
    expect(m, out.slice(-4000)).not.toBeNull();
    const gzipKiB = Number(m![2]);
    console.log(`[deploy] bundle ${m![1]} KiB, gzip ${gzipKiB} KiB (limit ${LIMIT_KIB} KiB)`);
    expect(gzipKiB).toBeLessThan(LIMIT_KIB);
  }, 150_000);
});
