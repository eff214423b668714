// Bench section for the in-app inbox: send → WebSocket receipt latency with many connected clients.
import WebSocket from 'ws';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * (i) `clients` subscribers each hold an inbox socket (token as subprotocol, as the browser client does). Then
 * `rounds` waves: one in_app notification per subscriber, sent `gapMs` apart, timed from just before the POST to
 * the `message.new` frame on that subscriber's socket.
 */
export async function measureInboxLatency({ base, auth, pg, tenantId, log, clients = 100, rounds = 2, gapMs = 100 }) {
  // Recipient limits exist to stop runaway loops, not a benchmark.
  await pg.query(
    `UPDATE tenants SET recipient_limits = '{"in_app":{"limit":1000000,"periodSeconds":1}}' WHERE id = $1`,
    [tenantId],
  );
  const sockets = [];
  const waiting = new Map(); // notification id → resolve
  const early = new Map(); // frames that beat the POST response: notification id → receipt time
  for (let i = 0; i < clients; i++) {
    const externalId = `inbox-bench-${i}`;
    await fetch(`${base}/v1/subscribers/${externalId}`, { method: 'PUT', headers: auth, body: '{}' });
    const { token } = await (
      await fetch(`${base}/v1/subscribers/${externalId}/token`, { method: 'POST', headers: auth, body: '{}' })
    ).json();
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/inbox/ws`, ['notifykit-inbox', token]);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type !== 'message.new') return;
      const at = performance.now();
      const done = waiting.get(frame.message.notificationId);
      if (done) done(at);
      else early.set(frame.message.notificationId, at);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    sockets.push({ ws, externalId });
  }
  log(`${clients} sockets open`);
  const latencies = [];
  const accepts = [];
  let lost = 0;
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      sockets.map(async ({ externalId }, i) => {
        await sleep(i * gapMs);
        const started = performance.now();
        const res = await fetch(`${base}/v1/notifications`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({
            to: externalId,
            channels: ['in_app'],
            content: { title: `Round ${round}`, body: 'Hi' },
          }),
        });
        const { id } = await res.json();
        accepts.push(performance.now() - started);
        const at =
          early.get(id) ??
          (await Promise.race([new Promise((resolve) => waiting.set(id, resolve)), sleep(10_000).then(() => null)]));
        if (at === null) lost++;
        else latencies.push(at - started);
      }),
    );
  }
  for (const { ws } of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  accepts.sort((a, b) => a - b);
  return {
    acceptP50Ms: Math.round(pct(accepts, 50)),
    acceptP99Ms: Math.round(pct(accepts, 99)),
    clients,
    sent: clients * rounds,
    received: latencies.length,
    lost,
    p50Ms: Math.round(pct(latencies, 50)),
    p99Ms: Math.round(pct(latencies, 99)),
    maxMs: Math.round(latencies.at(-1) ?? 0),
  };
}
