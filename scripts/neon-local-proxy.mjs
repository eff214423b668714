// Local stand-in for Neon's edge proxy, so @neondatabase/serverless works against a plain Postgres:
//   * WebSocket  ws://HOST:PORT/v2?address=pghost:pgport  -> raw TCP to Postgres   (Pool / Client)
//   * HTTP POST  http://HOST:PORT/sql                      -> SQL-over-HTTP         (neon() / drizzle neon-http)
// Worker side: neonConfig.wsProxy = (h,p) => `HOST:PORT/v2?address=${h}:${p}`; useSecureWebSocket=false;
//              pipelineTLS=false; pipelineConnect=false; fetchEndpoint = () => 'http://HOST:PORT/sql'
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

// createRequire: bypass Vite's resolver when loaded from a vitest globalSetup (else 'ws' -> browser stub)
const require = createRequire(import.meta.url);
const { WebSocketServer } = require('ws');
const pg = require('pg');

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1']);
const ISO = {
  Serializable: 'SERIALIZABLE',
  RepeatableRead: 'REPEATABLE READ',
  ReadCommitted: 'READ COMMITTED',
  ReadUncommitted: 'READ UNCOMMITTED',
};
const rawText = { getTypeParser: () => (v) => v }; // the driver parses text itself (Neon-Raw-Text-Output)

export function startNeonLocalProxy({ port, host = '127.0.0.1', log = () => {} }) {
  const pools = new Map();
  const poolFor = (cs) => {
    if (!pools.has(cs)) {
      const u = new URL(cs);
      if (!LOCAL.has(u.hostname)) throw Object.assign(new Error('host not allowed'), { code: '28000' });
      const pool = new pg.Pool({ connectionString: cs, max: 40 });
      pool.on('error', () => {}); // idle clients die when Postgres stops; don't crash the host process
      // So do clients checked out for a request: pg emits 'error' on the client itself then (the pool listens only
      // while it is idle). The request's query fails on its own; the pool drops the dead client on release.
      pool.on('connect', (client) => client.on('error', () => {}));
      pools.set(cs, pool);
    }
    return pools.get(cs);
  };
  const run = async (c, q) => {
    const r = await c.query({ text: q.query, values: q.params ?? [], rowMode: 'array', types: rawText });
    return {
      command: r.command,
      rowCount: r.rowCount,
      rowAsArray: true,
      rows: r.rows,
      fields: r.fields.map((f) => ({
        name: f.name,
        dataTypeID: f.dataTypeID,
        tableID: f.tableID,
        columnID: f.columnID,
        dataTypeSize: f.dataTypeSize,
        dataTypeModifier: f.dataTypeModifier,
        format: 'text',
      })),
    };
  };

  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/sql')) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    for await (const ch of req) body += ch;
    let client;
    try {
      const payload = JSON.parse(body);
      client = await poolFor(String(req.headers['neon-connection-string'])).connect();
      let out;
      if (Array.isArray(payload.queries)) {
        // sql.transaction([...]) / drizzle batch
        const iso = ISO[req.headers['neon-batch-isolation-level']] ?? 'READ COMMITTED';
        const ro = req.headers['neon-batch-read-only'] === 'true' ? ' READ ONLY' : '';
        await client.query(`BEGIN ISOLATION LEVEL ${iso}${ro}`);
        try {
          const results = [];
          for (const q of payload.queries) results.push(await run(client, q));
          await client.query('COMMIT');
          out = { results };
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
      } else out = await run(client, payload);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    } catch (e) {
      const { message, severity, code, detail, hint, position, schema, table, column, constraint } = e;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message, severity, code, detail, hint, position, schema, table, column, constraint }));
    } finally {
      client?.release();
    }
  });

  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const addr = new URL(req.url ?? '/', 'http://x').searchParams.get('address') ?? '';
    const i = addr.lastIndexOf(':');
    const pgHost = addr.slice(0, i);
    if (!LOCAL.has(pgHost)) {
      ws.close(1008, 'address not allowed');
      return;
    }
    const tcp = net.connect({ host: pgHost, port: Number(addr.slice(i + 1)) });
    tcp.setNoDelay(true);
    const pending = [];
    tcp.on('connect', () => {
      for (const b of pending.splice(0)) tcp.write(b);
    });
    ws.on('message', (d) => (tcp.connecting ? pending.push(d) : tcp.write(d)));
    tcp.on('data', (c) => ws.readyState === ws.OPEN && ws.send(c));
    const close = () => {
      tcp.destroy();
      if (ws.readyState <= ws.OPEN) ws.close();
    };
    ws.on('close', close);
    ws.on('error', close);
    tcp.on('close', close);
    tcp.on('error', close);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      log(`[neon-local-proxy] ws://${host}:${port}/v2  http://${host}:${port}/sql`);
      resolve({
        async close() {
          for (const c of wss.clients) c.terminate();
          wss.close();
          server.closeAllConnections?.();
          await new Promise((r) => server.close(r));
          await Promise.all([...pools.values()].map((p) => p.end()));
        },
      });
    });
  });
}

// CLI: node scripts/neon-local-proxy.mjs  (PORT from NEON_PROXY_PORT, default 54330)
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const p = await startNeonLocalProxy({ port: Number(process.env.NEON_PROXY_PORT ?? 54330), log: console.log });
  const stop = async () => {
    await p.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
