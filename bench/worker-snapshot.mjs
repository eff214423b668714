// A frozen copy of the Worker for a long measurement: `wrangler dev` rebuilds and reloads on every change under
// src/, and a reload mid-run restarts the local runtime (its queue broker is in memory, so queued messages vanish)
// and resets the memory being measured. Other people edit src/ while a suite runs; the copy makes the run see one
// version from start to end. Returns the `-c <config>` arguments for startWrangler's extraArgs.
import fs from 'node:fs';
import path from 'node:path';

export function snapshotWorker(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  // src imports ../templates; wrangler.toml's main and rules are relative to the config file.
  for (const entry of ['src', 'templates', 'wrangler.toml', 'tsconfig.json', 'worker-configuration.d.ts']) {
    if (fs.existsSync(entry)) fs.cpSync(entry, path.join(dir, entry), { recursive: true });
  }
  return ['-c', path.join(dir, 'wrangler.toml')];
}
