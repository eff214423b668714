// Local stand-ins for the outside world, run in Node by test/global-setup.ts (and bench/run.mjs):
//  * an SMTP server (smtp-server) that parses every message with mailparser, like a real mailbox would;
//  * an HTTP server for webhook/provider endpoints that records every request and answers from a script
//    (500, 429 + Retry-After, slow responses …) so tests can drive failures.
//  * every provider request is also judged against the provider's published description (contracts/): one that
//    breaks it is answered like the provider answers a malformed request, and recorded as a violation.
// Control API (JSON): POST /_control/script/<name> {responses:[{status,headers,body,delayMs}], otherwise:{…}}
//                     GET  /_control/requests/<name>      GET /_control/mail?to=<addr>
//                     GET  /_control/contract-violations?provider=<id>&account=<account>
import http from 'node:http';
import { createRequire } from 'node:module';
import { startSmtpCatcher } from '../../scripts/smtp-catcher.mjs';
import { CONTRACT_PROVIDERS, checkContract } from './contracts/index.mjs';
import { PROVIDER_APIS } from './provider-apis.mjs';

const require = createRequire(import.meta.url);
const { simpleParser } = require('mailparser');

export async function startStandIns({ httpPort, smtpPort, host = '127.0.0.1' }) {
  // A provider stand-in without a contract would let its requests go unjudged.
  const unjudged = Object.keys(PROVIDER_APIS).filter((p) => !CONTRACT_PROVIDERS.includes(p));
  if (unjudged.length) throw new Error(`provider stand-ins without a contract: ${unjudged.join(', ')}`);
  const mail = [];
  const requests = new Map(); // name -> [{method, path, headers, body, at}]
  const scripts = new Map(); // name -> {responses: [], otherwise}
  const violations = []; // [{provider, account, method, path, violations, at}]

  const smtp = await startSmtpCatcher({
    port: smtpPort,
    host,
    onMessage: async (m) => {
      const parsed = await simpleParser(m.raw);
      mail.push({
        envelopeFrom: m.from,
        envelopeTo: m.to,
        subject: parsed.subject ?? null,
        text: parsed.text ?? null,
        html: parsed.html || null,
        messageId: parsed.messageId ?? null,
        headers: Object.fromEntries(
          [...parsed.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
        // The header lines as sent (mailparser folds List-* headers into one structured `list` entry).
        rawHeaders: Object.fromEntries(
          parsed.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()]),
        ),
        at: Date.now(),
      });
    },
  });

  const readBody = async (req) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  };
  const sendJson = (res, status, value) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

  const server = http.createServer((req, res) => {
    // A client that goes away mid-request (a stopped worker) must not crash the stand-in.
    req.on('error', () => {});
    handle(req, res).catch(() => res.destroy());
  });
  const handle = async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const [, first, second, name] = url.pathname.split('/');
    try {
      if (first === '_control' && second === 'script' && req.method === 'POST') {
        scripts.set(decodeURIComponent(name), JSON.parse(await readBody(req)));
        return sendJson(res, 200, { ok: true });
      }
      if (first === '_control' && second === 'requests')
        return sendJson(res, 200, requests.get(decodeURIComponent(name)) ?? []);
      if (first === '_control' && second === 'contract-violations') {
        const provider = url.searchParams.get('provider');
        const account = url.searchParams.get('account');
        return sendJson(
          res,
          200,
          violations.filter((v) => (!provider || v.provider === provider) && (!account || v.account === account)),
        );
      }
      if (first === '_control' && second === 'mail') {
        const to = url.searchParams.get('to');
        return sendJson(res, 200, to ? mail.filter((m) => m.envelopeTo.includes(to)) : mail);
      }
      const body = await readBody(req);
      // Provider APIs: /p/<provider>/… checked like the real API; recorded and scripted per "<provider>:<account>".
      if (first === 'p' && PROVIDER_APIS[second]) {
        const rest = url.pathname.slice(`/p/${second}`.length) || '/';
        const verdict = PROVIDER_APIS[second](req, rest, body);
        const account = verdict.account ?? 'anonymous';
        const key = `${second}:${account}`;
        const contract = checkContract(second, req, rest, body);
        const list = requests.get(key) ?? [];
        const entry = {
          method: req.method,
          path: url.pathname + url.search,
          headers: req.headers,
          body,
          at: Date.now(),
          rejected: Boolean(verdict.reject ?? contract.reject),
          contract: { checked: contract.checked, violations: contract.violations },
        };
        list.push(entry);
        requests.set(key, list);
        if (contract.violations.length) {
          violations.push({
            provider: second,
            account,
            method: req.method,
            path: entry.path,
            violations: contract.violations,
            at: entry.at,
          });
        }
        // The stand-in's own checks answer first (auth before shape, as the providers do); a request that passes
        // them but breaks the description gets the provider's answer to a malformed request, never a scripted one.
        const refusal = verdict.reject ?? contract.reject;
        const scripted = refusal ? undefined : (scripts.get(key)?.responses?.shift() ?? scripts.get(key)?.otherwise);
        const answer = refusal ?? scripted ?? verdict.success;
        entry.status = answer.status ?? 200; // what the caller was told (bench/faults.mjs counts accepted sends)
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        res.writeHead(answer.status ?? 200, answer.headers ?? {});
        return res.end(answer.body ?? '');
      }
      // Any other path is an endpoint; its first segment names it (/hooks/<name>/… → "<name>").
      const endpoint = first === 'hooks' ? second : first;
      const list = requests.get(endpoint) ?? [];
      const entry = { method: req.method, path: url.pathname, headers: req.headers, body, at: Date.now() };
      list.push(entry);
      requests.set(endpoint, list);
      const script = scripts.get(endpoint);
      const step = script?.responses?.shift() ?? script?.otherwise ?? { status: 200 };
      entry.status = step.status ?? 200;
      if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json', ...(step.headers ?? {}) });
      res.end(step.body ?? '{"ok":true}');
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
    }
  };
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(httpPort, host, resolve);
  });
  return {
    requests,
    mail,
    violations,
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      await smtp.close();
    },
  };
}
