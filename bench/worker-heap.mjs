// The Worker isolate's JS heap, read over the inspector `wrangler dev` exposes (Chrome DevTools Protocol): a full
// collection first, then Runtime.getHeapUsage, so the figure is what stays reachable. That is what a leak in our
// code would grow; workerd's RSS also holds the local runtime's own buffers and caches (see docs/reliability.md).
import WebSocket from 'ws';

/**
 * MiB of live JS heap after a collection, or null when the inspector does not answer (three tries: the first
 * connection after startup has been seen to stall while wrangler attaches to the runtime).
 */
export async function workerHeapMiB(inspectorPort) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const mib = await probeOnce(inspectorPort, 10_000);
    if (mib !== null) return mib;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return null;
}

async function probeOnce(inspectorPort, timeoutMs) {
  let ws;
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
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return usage.result ? +(usage.result.usedSize / 1048576).toFixed(1) : null;
  })().catch(() => null);
  try {
    return await Promise.race([probe, timer]);
  } finally {
    ws?.close();
  }
}
