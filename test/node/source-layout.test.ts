import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The floors of src/ (README "Source layout"): a file imports from its own floor or the floors below, never above.
// Read from the import statements as text, so a move that breaks the layering fails here before review.

const SRC = path.resolve('src');

/** Floor of each top-level entry of src/; anything not listed fails the test until it is given one. */
const FLOORS: Record<string, number> = {
  'db/': 1,
  'lib/': 1,
  'observability/': 1,
  'errors.ts': 1,
  'env.ts': 1,
  'context.ts': 1,
  'inbox-client/': 1,
  'dashboard-client/': 1,
  'text-modules.d.ts': 1,
  'queues/': 2,
  'channels/': 2,
  'domain/': 3,
  'api/': 4,
  'pipeline/': 4,
  'cron/': 4,
  'durable-objects/': 4,
  'app.ts': 5,
  'index.ts': 6,
};

/** Rooms on one floor that still must not reach each other: each entry point stands on its own. */
const NEVER: [string, string][] = [
  ['pipeline/', 'api/'],
  ['pipeline/', 'cron/'],
  ['cron/', 'api/'],
  ['api/', 'pipeline/'],
  ['api/', 'cron/'],
  ['durable-objects/', 'api/'],
  ['durable-objects/', 'pipeline/'],
];

const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|js)$/.test(e.name) ? [p] : [];
  });
}

const roomOf = (file: string) => {
  const rel = path.relative(SRC, file);
  const [top, ...rest] = rel.split(path.sep);
  return rest.length ? `${top}/` : (top as string);
};

/** Relative imports of a file, resolved to the files they name. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.flatMap((spec) => {
    const base = path.resolve(path.dirname(file), spec);
    const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
    const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    return hit ? [hit] : [];
  });
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => i.startsWith(SRC))]));
const rel = (f: string) => path.relative(SRC, f);

describe('source layout', () => {
  it('gives every top-level entry of src/ a floor', () => {
    const unplaced = [...new Set(files.map(roomOf))].filter((room) => FLOORS[room] === undefined);
    expect(unplaced).toEqual([]);
  });

  it('has no import that runs up a floor', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        const from = FLOORS[roomOf(file)]!;
        const to = FLOORS[roomOf(target)]!;
        if (to > from) upward.push(`${rel(file)} (floor ${from}) -> ${rel(target)} (floor ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the entry points apart on their floor', () => {
    const crossing: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (NEVER.some(([a, b]) => roomOf(file) === a && roomOf(target) === b)) {
          crossing.push(`${rel(file)} -> ${rel(target)}`);
        }
      }
    }
    expect(crossing).toEqual([]);
  });

  it('has no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (state.get(next) === 'open')
          circles.push(stack.slice(stack.indexOf(next)).concat(next).map(rel).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(circles).toEqual([]);
  });

  it(`keeps every source file under ${MAX_LINES} lines`, () => {
    const long = files
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ file: rel(f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('reads the imports it judges (a sanity check of the reader itself)', () => {
    const consumer = path.join(SRC, 'pipeline', 'consumer.ts');
    expect(graph.get(consumer)?.map(rel)).toContain(path.join('queues', 'messages.ts'));
  });
});
