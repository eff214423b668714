// The Worker isolate's JS heap, read over the inspector `wrangler dev` exposes (Chrome DevTools Protocol): a full
// collection first, then Runtime.getHeapUsage, so the figure is what stays reachable. That is what a leak in our
// code would grow; workerd's RSS also holds the local runtime's own buffers and caches (see docs/reliability.md).
import WebSocket from 'ws';

/**
 * MiB of live JS heap after a collection, or null when the inspector does not answer. An idle isolate did not
 * answer inspector calls here until a request arrived, so `nudgeUrl` (any cheap route) is fetched while waiting.
 */
export async function workerHeapMiB(inspectorPort, nudgeUrl) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const mib = await probeOnce(inspectorPort, 10_000, nudgeUrl);
    if (mib !== null) return mib;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return null;
}

async function probeOnce(inspectorPort, timeoutMs, nudgeUrl) {
  let ws;
  let answered = false;
  const timer = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
  const probe = (async () => {
    const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
    const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!url) return null;
    ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let id = 0;
    const waiting = new Map();
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      waiting.get(msg.id)?.(msg);
      waiting.delete(msg.id);
    });
    const call = (method) =>
      new Promise((resolve) => {
        id += 1;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params: {} }));
      });
    const nudging = (async () => {
      while (nudgeUrl && !answered) {
        await fetch(nudgeUrl).then(
          (r) => r.arrayBuffer(),
          () => {},
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    answered = true;
    await nudging;
    if (!usage.result && process.env.BENCH_DEBUG_HEAP) console.error('[heap probe]', JSON.stringify(usage));
    return usage.result ? +(usage.result.usedSize / 1048576).toFixed(1) : null;
  })().catch((err) => {
    if (process.env.BENCH_DEBUG_HEAP) console.error('[heap probe]', err);
    return null;
  });
  try {
    return await Promise.race([probe, timer]);
  } finally {
    answered = true;
    ws?.close();
  }
}
