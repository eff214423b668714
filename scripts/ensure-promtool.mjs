// Makes sure `promtool` (Prometheus' checker) is installed for test/node/: Debian's `prometheus` package ships it.
// --no-install-recommends keeps it to the package and its web assets (~100 MB, ~15 s) instead of 35 packages; the
// package's service is never started in a container without an init system.
//   node scripts/ensure-promtool.mjs            install if missing, fail if that is impossible (CI)
//   PROMTOOL=/path/to/promtool                  use that binary instead (never installs)
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The path of promtool, or null. */
export function findPromtool() {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Installs promtool with apt-get when it is missing (root only); returns its path. Throws when it cannot. */
export function ensurePromtool({ log = console.log } = {}) {
  const chosen = process.env.PROMTOOL;
  if (chosen) {
    try {
      fs.accessSync(chosen, fs.constants.X_OK);
      return chosen;
    } catch {
      throw new Error(`PROMTOOL=${chosen} is not an executable file`);
    }
  }
  const found = findPromtool();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('promtool is missing and only root can apt-get install prometheus');
  log('[promtool] missing: apt-get install -y --no-install-recommends prometheus');
  const started = performance.now();
  execSync('apt-get update && apt-get install -y --no-install-recommends prometheus', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = findPromtool();
  if (!installed) throw new Error('apt-get finished but promtool is still missing');
  log(`[promtool] installed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ensurePromtool());
