// Cron Triggers for a local `wrangler dev`, which never fires them by itself: each cron of wrangler.toml's
// `[triggers] crons` is fired on its schedule (UTC, as Cloudflare does) through wrangler's
// /cdn-cgi/handler/scheduled endpoint. Used by scripts/dev.mjs; the bench and fault harnesses fire single crons
// with `triggerCron`.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const { Cron } = createRequire(import.meta.url)('croner'); // createRequire: bypass Vite under vitest

/**
 * The cron expressions of `[triggers] crons` in a wrangler.toml (top-level environment only). Enough TOML for
 * that one key: comments, basic and literal strings, an array over several lines.
 */
export function readCrons(tomlPath = 'wrangler.toml') {
  const lines = fs.readFileSync(tomlPath, 'utf8').split(/\r?\n/);
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('[')) {
      // [[array tables]] end the [triggers] table as any other header does.
      table = line.startsWith('[[') ? '' : (/^\[\s*([^\]]+?)\s*\]/.exec(line)?.[1] ?? '');
      continue;
    }
    if (table !== 'triggers' || !/^crons\s*=/.test(line)) continue;
    // Gather the array up to its closing bracket, which may be lines below.
    let text = lines[i].slice(lines[i].indexOf('=') + 1);
    while (!closes(text) && i + 1 < lines.length) text += `\n${lines[++i]}`;
    return parseStringArray(text);
  }
  return [];
}

/** Whether `text` holds a complete `[...]`, brackets inside strings and comments aside. */
function closes(text) {
  return tokens(text).some((t) => t === ']');
}

function parseStringArray(text) {
  const out = [];
  for (const t of tokens(text)) {
    if (t === ']') return out;
    if (typeof t === 'object') out.push(t.value);
  }
  throw new Error(`wrangler.toml: [triggers] crons is not a closed array: ${text.trim()}`);
}

/** `[`, `]` and strings (as `{ value }`), skipping commas, whitespace and comments. */
function tokens(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === ']') {
      out.push(c);
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) break;
      out.push({ value: text.slice(i + 1, end) });
      i = end;
    } else if (c === '"') {
      let value = '';
      for (i++; i < text.length && text[i] !== '"'; i++)
        value += text[i] === '\\' ? JSON.parse(`"\\${text[++i]}"`) : text[i];
      out.push({ value });
    }
  }
  return out;
}

/** The wrangler dev URL that runs the Worker's scheduled() for `cron`, with Cloudflare's scheduledTime. */
export function scheduledUrl(baseUrl, cron, scheduledTime) {
  const time = scheduledTime === undefined ? '' : `&time=${scheduledTime}`;
  return `${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}${time}`;
}

/** Fires `cron` once, now. wrangler answers 200 when scheduled() finished, 500 when it threw. */
export async function triggerCron(baseUrl, cron, scheduledTime) {
  return fetch(scheduledUrl(baseUrl, cron, scheduledTime));
}

/**
 * Fires every cron in `crons` on its schedule until stopped. `scheduleOf(cron)` is the croner pattern that decides
 * when a cron fires; by default the cron itself (tests inject a faster one). Overlapping runs are allowed, as on
 * Cloudflare (the jobs are idempotent). Each firing is reported to `onFire({ cron, scheduledTime, status, error })`:
 * status is wrangler's HTTP status, or error when wrangler could not be reached (e.g. while it reloads).
 */
export function startCronDriver({ baseUrl, crons, scheduleOf = (cron) => cron, onFire = () => {} }) {
  const jobs = crons.map(
    (cron) =>
      new Cron(scheduleOf(cron), { timezone: 'Etc/UTC', name: `wrangler cron ${cron}` }, async (self) => {
        const scheduledTime = (self.currentRun() ?? new Date()).getTime();
        try {
          const res = await triggerCron(baseUrl, cron, scheduledTime);
          await res.body?.cancel();
          onFire({ cron, scheduledTime, status: res.status });
        } catch (err) {
          onFire({ cron, scheduledTime, error: err instanceof Error ? err : new Error(String(err)) });
        }
      }),
  );
  return {
    crons,
    /** When each cron fires next. */
    nextRuns: () => jobs.map((job, i) => ({ cron: crons[i], at: job.nextRun() })),
    stop() {
      for (const job of jobs) job.stop();
    },
  };
}
