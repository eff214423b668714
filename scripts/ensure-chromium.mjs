// Makes sure Debian's chromium is installed for the browser tests (test/browser/): playwright-core drives it, as
// `npx playwright install` cannot download browsers here. CI starts from a clean machine and runs as root.
//   node scripts/ensure-chromium.mjs
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Installs chromium with apt-get when it is missing; returns its path. */
export function ensureChromium({ log = console.log } = {}) {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  log(`[chromium] ${CHROMIUM_PATH} missing: apt-get install -y chromium`);
  const started = performance.now();
  execSync('apt-get update && apt-get install -y chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
  log(`[chromium] installed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(ensureChromium());
