// The OpenAPI document as served by a real `wrangler dev`, linted by Spectral (.spectral.yaml: spectral:oas plus our
// rules) and Redocly (redocly.yaml: recommended). Any error or warning fails: generated clients, the /docs page and
// every reader depend on the document, and warnings left standing hide the next real one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWrangler, type TestWrangler } from '../helpers/test-wrangler';

const PORT = 8794; // dev 8787, docs 8795, request-trace 8796, inbox demo 8797, dashboard 8798, promtool 8799
const BASE = `http://127.0.0.1:${PORT}`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

type Operation = Record<string, unknown> & { operationId?: string; parameters?: unknown[] };
type Document = { paths: Record<string, Record<string, Operation>> };

let wrangler: TestWrangler | undefined;
let tmp: string;
let document: Document;

/** The linters with the project's own Node (22, as wrangler), no telemetry and no update check. */
function run(args: string[]) {
  const localNode = path.resolve('node_modules/.bin/node');
  const result = spawnSync(fs.existsSync(localNode) ? localNode : process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Spectral's findings on `file`, one line each (severity 0 = error, 1 = warning, …). */
function spectral(file: string): string[] {
  const out = run([
    'node_modules/@stoplight/spectral-cli/dist/index.js',
    'lint',
    file,
    '--ruleset',
    path.resolve('.spectral.yaml'),
    '--format',
    'json',
    '--quiet',
  ]);
  const results = JSON.parse(out.stdout || 'null') as
    | { code: string; severity: number; path: string[]; message: string }[]
    | null;
  if (!results) throw new Error(`spectral did not answer JSON (exit ${out.status}):\n${out.stderr}`);
  return results.map(
    (r) => `spectral ${['error', 'warn', 'info', 'hint'][r.severity]} ${r.code} ${r.path.join('.')}: ${r.message}`,
  );
}

/** Redocly's findings on `file`, one line each. */
function redocly(file: string): string[] {
  const out = run([
    'node_modules/@redocly/cli/bin/cli.js',
    'lint',
    file,
    '--config',
    path.resolve('redocly.yaml'),
    '--format',
    'json',
  ]);
  const report = JSON.parse(out.stdout || 'null') as {
    problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
  } | null;
  if (!report) throw new Error(`redocly did not answer JSON (exit ${out.status}):\n${out.stderr}`);
  return report.problems.map((p) => `redocly ${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
}

const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([route, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${route}`, op })),
  );

/** camelCase of every route file's name under src/api/routes (`create-template.ts` → `createTemplate`). */
function routeFileNames(dir = path.resolve('src/api/routes')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return routeFileNames(path.join(dir, e.name));
    return [e.name.replace(/\.ts$/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
  });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-openapi-'));
  wrangler = startTestWrangler(PORT);
  await wrangler.ready;
  const res = await fetch(`${BASE}/openapi.json`);
  expect(res.status).toBe(200);
  document = (await res.json()) as Document;
  fs.writeFileSync(path.join(tmp, 'openapi.json'), JSON.stringify(document, null, 2));
}, 90_000);

afterAll(async () => {
  await wrangler?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it('has no Spectral error or warning', () => {
    expect(spectral(path.join(tmp, 'openapi.json'))).toEqual([]);
  });

  it('has no Redocly error or warning', () => {
    expect(redocly(path.join(tmp, 'openapi.json'))).toEqual([]);
  });

  it('names every operation once, after its route file (a rename is a breaking change for clients)', () => {
    const ops = operations(document);
    expect(ops.length).toBeGreaterThan(80);
    const ids = ops.map((o) => o.op.operationId);
    expect(ops.filter((o) => !o.op.operationId).map((o) => o.name)).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const files = new Set(routeFileNames());
    expect(ids.filter((id) => !files.has(id!))).toEqual([]);
  });

  it("fails on what the project's own rules are for (so a broken rule cannot pass silently)", () => {
    const doc = structuredClone(document);
    const create = doc.paths['/v1/templates']!.post!;
    delete create['x-required-scope'];
    create.parameters = [];
    const body = create.requestBody as { content: Record<string, { example?: unknown }> };
    delete body.content['application/json']!.example;
    delete doc.paths['/health']!.get!.security;
    doc.paths['/health']!.get!.responses = { 500: { description: 'Broken' } };
    doc.paths['/v1/templates']!.get!.responses = { 200: { description: 'No client error documented' } };
    const file = path.join(tmp, 'broken.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const codes = new Set(spectral(file).map((line) => line.split(' ')[2]));
    for (const rule of [
      'operation-required-scope',
      'post-idempotency-key',
      'request-body-example',
      'operation-security-explicit',
      'success-or-upgrade-response',
      'client-error-response',
    ]) {
      expect(codes, rule).toContain(rule);
    }
  });
});
