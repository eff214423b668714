// JSON Schema validation for the vendored provider descriptions (test/fixtures/provider-descriptions/): one Ajv
// (draft 2020-12, which OpenAPI 3.1 uses and which reads the OpenAPI 3.0 / Swagger subsets we extracted) with the
// formats those descriptions name, plus helpers to compile a schema that lives inside a description document.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

const E164 = /^\+[1-9]\d{1,14}$/;
/**
 * Formats the descriptions use beyond JSON Schema's own. `phone-number` is Twilio's: its description of To/From
 * allows E.164, a channel address (`whatsapp:+1…`), a short code or an alphanumeric sender ID (≤ 11 characters).
 */
const EXTRA_FORMATS = {
  'phone-number': (v) =>
    E164.test(v) || /^[a-z-]+:.+$/.test(v) || /^\d{3,8}$/.test(v) || /^[A-Za-z0-9 ]{1,11}$/.test(v),
  binary: () => true,
  snowflake: /^(0|[1-9][0-9]*)$/,
  'google-duration': /^-?\d+(\.\d{1,9})?s$/,
  'google-datetime': (v) => !Number.isNaN(Date.parse(v)),
  'date-time-rfc-2822': () => true,
  'uri-map': () => true,
  'http-method': /^(GET|POST|PUT|DELETE|PATCH|HEAD)$/,
};

function makeAjv(options = {}) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, ...options });
  addFormats(ajv);
  for (const [name, test] of Object.entries(EXTRA_FORMATS)) ajv.addFormat(name, test);
  return ajv;
}

/** Validators for JSON bodies, and for form bodies whose values arrive as strings (coerced to the schema's types). */
export const jsonAjv = makeAjv();
export const formAjv = makeAjv({ coerceTypes: 'array' });

const FIXTURES = new URL('../../fixtures/provider-descriptions/', import.meta.url);
const loaded = new Map();

/**
 * A vendored description, parsed once, with its `x-errata` applied: where a description contradicts the
 * provider's own client library, the fixture records the published text, the reading applied and the evidence.
 */
export function description(name) {
  if (!loaded.has(name)) {
    const doc = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
    for (const erratum of doc['x-errata'] ?? []) setAt(doc, erratum.pointer, erratum.applied);
    loaded.set(name, doc);
  }
  return loaded.get(name);
}

function setAt(doc, pointer, value) {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop();
  const parent = keys.reduce((node, k) => node[k], doc);
  if (!(last in parent)) throw new Error(`erratum pointer ${pointer} does not exist`);
  parent[last] = value;
}

/**
 * Compiles the schema at `pointer` (a JSON pointer such as `/components/schemas/X`) inside description `name`,
 * so its internal `$ref`s (`#/components/…`) resolve against the same document.
 */
export function compileIn(ajv, name, pointer) {
  const id = `urn:provider-description:${name}`;
  if (!ajv.getSchema(id)) ajv.addSchema({ ...description(name), $id: id }, id);
  return ajv.compile({ $ref: `${id}#${pointer}` });
}

/** Ajv errors as short readable lines: `<where> <what>`. */
export function describeErrors(errors, prefix = '') {
  const lines = (errors ?? []).map((e) => {
    const where = `${prefix}${e.instancePath || ''}` || '/';
    const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : '';
    return `${where} ${e.message}${extra}`;
  });
  return [...new Set(lines)];
}
