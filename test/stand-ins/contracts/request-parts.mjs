// Small readers shared by the contract checks: bodies as the provider would parse them, form fields (a repeated
// key becomes a list, as form-encoded APIs read it), JWTs, and header parameters of an OpenAPI/Swagger operation.
import { describeErrors } from './schema-tools.mjs';

/** `{ ok, value }` for a JSON body, or `{ ok: false, problem }`. */
export function jsonBody(req, body) {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    return { ok: false, problem: `content-type must be application/json (got ${type || 'none'})` };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, problem: 'body is not valid JSON' };
  }
}

/** Form fields of an `application/x-www-form-urlencoded` body. */
export function formBody(req, body) {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return { ok: false, problem: `content-type must be application/x-www-form-urlencoded (got ${type || 'none'})` };
  }
  const value = {};
  for (const [k, v] of new URLSearchParams(body)) value[k] = k in value ? [].concat(value[k], v) : v;
  return { ok: true, value };
}

/** `{ header, claims, signature }` of a compact JWS, or null when it is not one. */
export function decodeJwt(token) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString()),
      claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString()),
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return null;
  }
}

/** Violations of an operation's `in: header` parameters (OpenAPI 3 `schema`, or Swagger 2 inline `type`). */
export function headerParamViolations(ajv, parameters, req) {
  const out = [];
  for (const p of parameters ?? []) {
    if (p.in !== 'header') continue;
    const value = req.headers[p.name.toLowerCase()];
    if (value === undefined) {
      if (p.required) out.push(`header ${p.name} is required`);
      continue;
    }
    const schema = p.schema ?? { type: p.type };
    const validate = ajv.compile(schema);
    if (!validate(value)) out.push(...describeErrors(validate.errors, `header ${p.name}`));
  }
  return out;
}

/** Validates `value` and returns readable violations (empty when valid). */
export function violationsOf(validate, value, prefix = '') {
  return validate(value) ? [] : describeErrors(validate.errors, prefix);
}
