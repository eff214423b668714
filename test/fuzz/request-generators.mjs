// Property-based request generators from the OpenAPI document, shared by the fixed-seed sample in `npm test`
// (test/security/fuzz.test.ts) and the long run (`npm run fuzz`, scripts/fuzz.mjs). Plain JS so both the workers
// pool and plain Node can import it.
import fc from 'fast-check';

/** Values that have broken parsers, databases and templating elsewhere. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\uffff',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '😀'.repeat(50),
  'x'.repeat(100_000),
  '../../etc/passwd',
  '%00%ff%2e%2e',
  "' OR 1=1 --",
  '{{ 7 * 7 }}{% raw %}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'http://169.254.169.254/latest/meta-data',
  '\r\nBcc: victim@example.com',
  '1e309',
  'NaN',
  'null',
  '__proto__',
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Deeply nested arrays/objects (a JSON bomb-let): 50–400 levels. */
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let v = { x: 1 };
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
});

const protoPollution = fc
  .constantFrom(...PROTO_KEYS)
  .map((k) => JSON.parse(`{"${k}":{"polluted":true,"isAdmin":true}}`));

/** Any JSON value, biased towards the hostile. */
export const hostileValue = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: protoPollution },
);

/** A value of roughly the schema's type (so some requests get past the first checks), or a hostile one. */
function valueFor(schema, depth = 0) {
  if (!schema || depth > 3) return hostileValue;
  const plausible = (() => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'string':
        return schema.format === 'date-time'
          ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
          : fc.string({ maxLength: schema.maxLength ? Math.min(schema.maxLength, 60) : 60 });
      case 'integer':
      case 'number':
        return fc.integer({ min: -10, max: 1000 });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(valueFor(schema.items, depth + 1), { maxLength: 4 });
      case 'object':
        return objectFor(schema, depth + 1);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue });
}

function objectFor(schema, depth) {
  const props = Object.entries(schema.properties ?? {});
  const known = fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueFor(s, depth)])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 10 })), hostileValue, {
    maxKeys: 2,
  });
  return fc.tuple(known, extra, fc.boolean()).map(([k, e, withExtra]) => {
    // JSON.parse keeps __proto__ as an own key, the way a client's body would arrive.
    return withExtra ? JSON.parse(JSON.stringify({ ...k, ...e })) : k;
  });
}

/** Resolves `$ref: '#/components/schemas/X'` one level at a time (the document is small and acyclic enough). */
function deref(doc, schema, seen = 0) {
  if (!schema || seen > 20) return schema;
  if (schema.$ref) return deref(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()], seen + 1);
  if (schema.allOf) return deref(doc, Object.assign({}, ...schema.allOf.map((s) => deref(doc, s, seen + 1))), seen + 1);
  if (schema.anyOf || schema.oneOf) return deref(doc, (schema.anyOf ?? schema.oneOf)[0], seen + 1);
  if (schema.type === 'object' && schema.properties) {
    return {
      ...schema,
      properties: Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, deref(doc, s, seen + 1)])),
    };
  }
  if (schema.type === 'array') return { ...schema, items: deref(doc, schema.items, seen + 1) };
  return schema;
}

/** Every operation of the document, with what a request to it is made of. */
export function operationsOf(doc) {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      family: template.split('/').slice(0, 3).join('/'),
      query: (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: deref(doc, p.schema) })),
      body: deref(doc, op.requestBody?.content?.['application/json']?.schema),
    })),
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
];

/** One request to `op`: hostile path params, query, body and headers. */
export function requestFor(op) {
  const pathParam = fc.oneof(
    fc.constantFrom('kim', 'ntf_00000000000000000000000000', '%00', '%2e%2e%2f', 'a'.repeat(300), '__proto__', '😀'),
    fc.string({ minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s)),
  );
  const query = fc.record(
    Object.fromEntries(
      op.query.map((q) => [
        q.name,
        fc
          .oneof(valueFor(q.schema), hostileString)
          .map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).slice(0, 2000)),
      ]),
    ),
    { requiredKeys: [] },
  );
  const body =
    op.method === 'GET' || op.method === 'DELETE'
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 3, arbitrary: valueFor(op.body ?? { type: 'object' }) },
          { weight: 1, arbitrary: hostileValue },
        );
  const headers = fc.record(
    {
      'content-type': fc.constantFrom(...CONTENT_TYPES),
      'x-request-id': hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 300)),
      traceparent: fc.oneof(
        fc.constant('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
        fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
      'idempotency-key': fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    },
    { requiredKeys: ['content-type'] },
  );
  return fc
    .record({ params: fc.array(pathParam, { minLength: 4, maxLength: 4 }), query, body, headers, raw: fc.boolean() })
    .map((r) => {
      let i = 0;
      const path = op.template.replace(/\{[^}]+\}/g, () => r.params[i++]);
      const qs = new URLSearchParams(r.query).toString();
      return {
        method: op.method,
        path: qs ? `${path}?${qs}` : path,
        headers: r.headers,
        // Sometimes not even JSON: a truncated document.
        body:
          r.body === undefined
            ? undefined
            : r.raw
              ? JSON.stringify(r.body).slice(0, -1) || '{'
              : JSON.stringify(r.body),
      };
    });
}

/** The invariants every answer must hold; returns the broken one, or null. */
export function violation(status, contentType, bodyText) {
  if (status >= 500) return `status ${status}`;
  if (status >= 400) {
    if (!contentType?.includes('json')) return `error without the JSON envelope (${contentType})`;
    let parsed;
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      return 'error body is not JSON';
    }
    const e = parsed?.error;
    if (typeof e?.code !== 'string' || typeof e?.message !== 'string' || typeof e?.requestId !== 'string') {
      return `error envelope incomplete: ${bodyText.slice(0, 200)}`;
    }
  }
  return null;
}
