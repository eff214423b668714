import { Liquid, type LiquidOptions } from 'liquidjs';

/**
 * Liquid configured for untrusted, tenant-written templates: own properties only (no prototype walking), unknown
 * filters are errors, parse/render/memory limits, no file system (include/render/layout tags fail), and an
 * output cap. HTML parts escape every output; text parts do not.
 */
export class RenderError extends Error {
  readonly code = 'render_error';
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

export const MAX_OUTPUT_CHARS = 256 * 1024;

/** A file system that refuses everything: templates cannot read files or URLs (liquidjs' browser fs would fetch). */
const noFileSystem = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string) => {
    throw new RenderError(`templates cannot include files (${file})`);
  },
  readFileSync: (file: string) => {
    throw new RenderError(`templates cannot include files (${file})`);
  },
  resolve: (_root: string, file: string) => file,
  contains: async () => false,
  sep: '/',
  dirname: (file: string) => file,
};

const limits: LiquidOptions = {
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  parseLimit: 100_000,
  renderLimit: 250,
  memoryLimit: 16 * 1024 * 1024,
  cache: false,
  fs: noFileSystem,
  root: [],
  partials: [],
  layouts: [],
  relativeReference: false,
  dynamicPartials: false,
};

const textEngine = new Liquid(limits);
const htmlEngine = new Liquid({ ...limits, outputEscape: 'escape' });

type Parsed = ReturnType<Liquid['parse']>;
/** Parsed templates per isolate, by version and part: versions are immutable, so entries never go stale. */
const parsedCache = new Map<string, Parsed>();
const CACHE_LIMIT = 2000;

function parse(engine: Liquid, source: string, cacheKey: string | null): Parsed {
  const cached = cacheKey ? parsedCache.get(cacheKey) : undefined;
  if (cached) return cached;
  let parsed: Parsed;
  try {
    parsed = engine.parse(source);
  } catch (err) {
    throw new RenderError(`template does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  if (cacheKey) {
    if (parsedCache.size >= CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value!);
    parsedCache.set(cacheKey, parsed);
  }
  return parsed;
}

/** Renders one part. `cacheKey` (tenant:template:version:locale:part) enables the parse cache; null for drafts. */
export async function renderPart(
  source: string,
  data: Record<string, unknown>,
  opts: { html: boolean; cacheKey: string | null },
): Promise<string> {
  const engine = opts.html ? htmlEngine : textEngine;
  const parsed = parse(engine, source, opts.cacheKey ? `${opts.html ? 'h' : 't'}:${opts.cacheKey}` : null);
  let output: string;
  try {
    output = String(await engine.render(parsed, data));
  } catch (err) {
    if (err instanceof RenderError) throw err;
    throw new RenderError(`template failed to render: ${(err as Error).message.split('\n')[0]}`);
  }
  if (output.length > MAX_OUTPUT_CHARS) throw new RenderError(`rendered output exceeds ${MAX_OUTPUT_CHARS} characters`);
  return output;
}
