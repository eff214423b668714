// `npm run bench -- --soak 10m [--rate 50]`: a steady open-loop rate of POST /v1/notifications (half the measured
// maximum unless --rate is given) for the whole duration, with every notification delivered to the HTTP sink.
// Reports errors, latency p50/p99 per interval, the delivery backlog, and workerd's resident memory over time.
import fs from 'node:fs';
import { closedLoop, percentile } from './load.mjs';

/** `10m`, `90s`, `1h`, or plain seconds → milliseconds. */
export function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text ?? '').trim());
  if (!m) throw new Error(`--soak expects a duration like 60s, 10m or 1h, not "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'];
  return Math.round(Number(m[1]) * unit);
}

/** The workerd processes under `rootPid` (wrangler spawns workerd as a child), from /proc. */
export function workerdPids(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    for (const child of children.get(pid) ?? []) {
      queue.push(child);
      try {
        if (fs.readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'workerd') found.push(child);
      } catch {}
    }
  }
  return found;
}

/**
 * What each workerd is, from its command line: wrangler dev runs two, a proxy on the public port and the runtime
 * that holds the Worker (its entry socket on a random port).
 */
export function workerdLabel(pid) {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const entry = args.find((a) => a.startsWith('--socket-addr=entry='))?.slice('--socket-addr=entry='.length);
    return entry ? `${pid} (entry ${entry})` : String(pid);
  } catch {
    return String(pid);
  }
}

/** Resident set size in MiB (VmRSS of /proc/<pid>/status), summed over `pids`. */
export function rssMiB(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {}
  }
  return +(kb / 1024).toFixed(1);
}

/**
 * Runs the soak. `makeRequest()` returns {url, init} for one send; `backlog()` the number of deliveries still
 * queued/sending; `drain(ms)` waits until there are none.
 */
export async function runSoak({
  makeRequest,
  expectStatus = 202,
  durationMs,
  rate,
  wranglerPid,
  backlog,
  drain,
  heap = async () => null,
  log,
}) {
  const pids = workerdPids(wranglerPid);
  if (pids.length === 0) log('warning: no workerd process found under wrangler; RSS will read 0');
  let max = null;
  if (!rate) {
    log('soak: measuring the maximum send rate (closed loop, concurrency 16, 5 s)');
    max = await closedLoop({ makeRequest, expectStatus, concurrency: 16, durationMs: 5000 });
    rate = Math.max(1, Math.floor(max.rps / 2));
    log(`soak: max ${max.rps} req/s (errors ${max.errors}) → soak rate ${rate} req/s`);
    await drain(300_000);
  }
  const intervalMs = durationMs >= 180_000 ? 60_000 : Math.max(10_000, Math.floor(durationMs / 6));
  const rssStart = rssMiB(pids);
  const heapStart = await heap();
  const perPidAtStart = Object.fromEntries(pids.map((p) => [workerdLabel(p), rssMiB([p])]));
  log(
    `soak: ${rate} req/s for ${durationMs / 1000} s; workerd pid ${pids.join(',')} RSS ${rssStart} MiB, Worker heap ${heapStart} MiB`,
  );

  const samples = []; // [startOffsetMs, latencyMs | null, status | 'network']
  const inflight = [];
  const start = performance.now();
  const total = Math.floor((rate * durationMs) / 1000);
  const intervals = [];
  let nextMark = intervalMs;
  for (let i = 0; i < total; i++) {
    const due = (i * 1000) / rate;
    const wait = start + due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const offset = performance.now() - start;
    const { url, init } = makeRequest();
    inflight.push(
      fetch(url, init)
        .then(async (res) => {
          await res.arrayBuffer();
          samples.push([offset, performance.now() - start - offset, res.status]);
        })
        .catch(() => samples.push([offset, null, 'network'])),
    );
    if (offset >= nextMark) {
      // Sampled between requests: a few ms of jitter on one send, nothing on the rate.
      intervals.push({
        atSeconds: Math.round(nextMark / 1000),
        rssMiB: rssMiB(pids),
        heapMiB: await heap(),
        backlog: await backlog(),
      });
      nextMark += intervalMs;
    }
  }
  await Promise.all(inflight);
  const elapsedMs = performance.now() - start;
  const rssAtLoadEnd = rssMiB(pids);
  const heapAtLoadEnd = await heap();
  intervals.push({
    atSeconds: Math.round(durationMs / 1000),
    rssMiB: rssAtLoadEnd,
    heapMiB: heapAtLoadEnd,
    backlog: await backlog(),
  });
  const perPidAtLoadEnd = Object.fromEntries(pids.map((p) => [workerdLabel(p), rssMiB([p])]));
  const drained = await drain(600_000);
  const rssEnd = rssMiB(pids);
  const heapEnd = await heap();
  const perPidEnd = Object.fromEntries(pids.map((p) => [workerdLabel(p), rssMiB([p])]));

  const buckets = [];
  for (let from = 0; from < durationMs; from += intervalMs) {
    const inBucket = samples.filter(([o]) => o >= from && o < from + intervalMs);
    const ok = inBucket
      .filter(([, , s]) => s === expectStatus)
      .map(([, l]) => l)
      .sort((a, b) => a - b);
    const mark = intervals.find((m) => m.atSeconds === Math.round((from + intervalMs) / 1000));
    buckets.push({
      fromSeconds: from / 1000,
      requests: inBucket.length,
      errors: inBucket.length - ok.length,
      p50: +percentile(ok, 50).toFixed(1),
      p99: +percentile(ok, 99).toFixed(1),
      ...(mark ? { rssMiB: mark.rssMiB, heapMiB: mark.heapMiB, backlog: mark.backlog } : {}),
    });
  }
  const statuses = {};
  for (const [, , s] of samples) statuses[s] = (statuses[s] ?? 0) + 1;
  const all = samples
    .filter(([, , s]) => s === expectStatus)
    .map(([, l]) => l)
    .sort((a, b) => a - b);
  return {
    rate,
    max,
    durationSeconds: durationMs / 1000,
    elapsedSeconds: +(elapsedMs / 1000).toFixed(1),
    requests: samples.length,
    errors: samples.length - all.length,
    statuses,
    p50: +percentile(all, 50).toFixed(1),
    p99: +percentile(all, 99).toFixed(1),
    intervalSeconds: intervalMs / 1000,
    buckets,
    workerdPids: pids,
    rssByPid: { start: perPidAtStart, loadEnd: perPidAtLoadEnd, drained: perPidEnd },
    rssStartMiB: rssStart,
    rssAtLoadEndMiB: rssAtLoadEnd,
    rssEndMiB: rssEnd,
    heapStartMiB: heapStart,
    heapAtLoadEndMiB: heapAtLoadEnd,
    heapEndMiB: heapEnd,
    drainedAfterLoadMs: drained,
  };
}
