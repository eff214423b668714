// node bench/heap-diff.mjs [--port 9249] [--seconds 120]
// Where a Worker's heap grows: two heap snapshots of the isolate behind wrangler dev's inspector, `--seconds`
// apart, aggregated by V8 node type and constructor name; prints the entries that grew the most. Point it at any
// wrangler dev under load (`npm run faults` listens on 9229). Not beside a soak: the soak's own heap probe opens
// the same inspector every interval, and in the one try of both at once wrangler dev exited.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '9249' }, seconds: { type: 'string', default: '120' } },
});

async function snapshot(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(targets.find((t) => t.webSocketDebuggerUrl).webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const chunks = [];
  const done = new Promise((resolve) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(msg.params.chunk);
      if (msg.id === 1) resolve();
    });
  });
  ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.takeHeapSnapshot', params: { reportProgress: false } }));
  await done;
  ws.close();
  return aggregate(JSON.parse(chunks.join('')));
}

/** `type:name` → { count, bytes } over every node of a V8 heap snapshot. */
function aggregate(snap) {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]];
    const raw = type === 'string' || type === 'concatenated string' ? '(string)' : snap.strings[snap.nodes[i + nameAt]];
    const key = `${type}:${String(raw).slice(0, 80)}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + sizeAt];
    out.set(key, e);
  }
  return out;
}

const port = Number(values.port);
const first = await snapshot(port);
console.log(
  `first snapshot: ${[...first.values()].reduce((s, e) => s + e.bytes, 0)} bytes; waiting ${values.seconds} s`,
);
await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
const second = await snapshot(port);
console.log(`second snapshot: ${[...second.values()].reduce((s, e) => s + e.bytes, 0)} bytes`);
const growth = [...second.entries()]
  .map(([key, e]) => ({
    key,
    count: e.count - (first.get(key)?.count ?? 0),
    bytes: e.bytes - (first.get(key)?.bytes ?? 0),
  }))
  .sort((a, b) => b.bytes - a.bytes)
  .slice(0, 25);
console.table(growth);
