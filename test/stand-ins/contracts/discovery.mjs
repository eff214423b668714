// Google discovery documents describe request bodies in their own schema dialect; this turns the schemas of one
// into JSON Schema so Ajv can judge a request. Two rules come from how Google's JSON APIs read a request (the
// proto3 JSON mapping): a field the message does not define is refused ("Unknown name"), and a field whose
// description starts with "Required." must be present.

/** `{ $defs }` JSON Schema for every schema of discovery document `doc`. */
export function discoveryToJsonSchema(doc) {
  const $defs = {};
  for (const [id, schema] of Object.entries(doc.schemas)) $defs[id] = convert(schema);
  return { $defs };
}

function convert(s) {
  if (s.$ref) return { $ref: `#/$defs/${s.$ref}` };
  if (s.type === 'any') return {};
  const out = {};
  for (const key of ['type', 'enum', 'format', 'pattern', 'minimum', 'maximum'])
    if (s[key] !== undefined) out[key] = s[key];
  if (s.items) out.items = convert(s.items);
  if (s.additionalProperties) out.additionalProperties = convert(s.additionalProperties);
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v)]));
    out.additionalProperties = false;
    const required = Object.entries(s.properties)
      .filter(([, v]) => /^Required\./.test(v.description ?? ''))
      .map(([k]) => k);
    if (required.length) out.required = required;
  }
  return out;
}
