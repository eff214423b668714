// Minimal HTTP load generators for bench/run.mjs (Node's fetch, keep-alive). Latencies in milliseconds.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summarize(latencies, errors, elapsedMs, statuses) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    statuses,
    seconds: +(elapsedMs / 1000).toFixed(2),
    rps: +((latencies.length / elapsedMs) * 1000).toFixed(1),
    p50: +percentile(sorted, 50).toFixed(2),
    p99: +percentile(sorted, 99).toFixed(2),
  };
}

async function once(makeRequest, expectStatus, latencies, statuses) {
  const { url, init } = makeRequest();
  const t0 = performance.now();
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status !== expectStatus) return false;
    latencies.push(performance.now() - t0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `concurrency` workers each sending back-to-back for `durationMs` (or until `maxRequests` were started): the
 * throughput ceiling.
 */
export async function closedLoop({ makeRequest, expectStatus, concurrency, durationMs, maxRequests = Infinity }) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  let started = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && started++ < maxRequests) {
        if (!(await once(makeRequest, expectStatus, latencies, statuses))) errors++;
      }
    }),
  );
  return summarize(latencies, errors, performance.now() - start, statuses);
}

/** Requests started at a fixed `rate` per second regardless of responses: latency at a given load. */
export async function openLoop({ makeRequest, expectStatus, rate, durationMs }) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  const inflight = [];
  const start = performance.now();
  const total = Math.floor((rate * durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      once(makeRequest, expectStatus, latencies, statuses).then((ok) => {
        if (!ok) errors++;
      }),
    );
  }
  await Promise.all(inflight);
  return summarize(latencies, errors, performance.now() - start, statuses);
}
