// Validates a request against botocore shapes (the AWS service models), the way botocore's ParamValidator does:
// unknown members, missing required members, types, string and list min/max, patterns and enums. Also reads a
// query-protocol form (SNS) back into the input structure, as botocore's query serializer would have written it.

/** Violations of `value` against shape `name` of `model` (empty when valid). */
export function shapeViolations(model, name, value, path = '') {
  const shape = model.shapes[name];
  if (!shape) return [`${path || '/'} refers to unknown shape ${name}`];
  const at = path || '/';
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return [`${at} must be a structure (${name})`];
      const out = [];
      for (const member of shape.required ?? []) {
        if (value[member] === undefined || value[member] === null) out.push(`${path}/${member} is required (${name})`);
      }
      for (const [key, v] of Object.entries(value)) {
        const member = shape.members?.[key];
        if (!member) out.push(`${path}/${key} is not a member of ${name}`);
        else out.push(...shapeViolations(model, member.shape, v, `${path}/${key}`));
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return [`${at} must be a list (${name})`];
      const out = lengthViolations(shape, value.length, at, 'items');
      for (const [i, v] of value.entries()) out.push(...shapeViolations(model, shape.member.shape, v, `${path}/${i}`));
      return out;
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at} must be a map (${name})`];
      const out = [];
      for (const [k, v] of Object.entries(value)) {
        out.push(...shapeViolations(model, shape.key.shape, k, `${path}/${k}(key)`));
        out.push(...shapeViolations(model, shape.value.shape, v, `${path}/${k}`));
      }
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') return [`${at} must be a string (${name})`];
      const out = lengthViolations(shape, value.length, at, 'characters');
      if (shape.pattern && !new RegExp(shape.pattern, 'u').test(value))
        out.push(`${at} must match ${shape.pattern} (${name})`);
      if (shape.enum && !shape.enum.includes(value))
        out.push(`${at} must be one of ${shape.enum.join(', ')} (${name})`);
      return out;
    }
    case 'blob':
      return typeof value === 'string' ? [] : [`${at} must be a base64 string (${name})`];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? rangeViolations(shape, value, at) : [`${at} must be an integer (${name})`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? rangeViolations(shape, value, at) : [`${at} must be a number (${name})`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} must be a boolean (${name})`];
    case 'timestamp':
      return typeof value === 'string' || typeof value === 'number' ? [] : [`${at} must be a timestamp (${name})`];
    default:
      return [`${at} has unsupported shape type ${shape.type} (${name})`];
  }
}

function lengthViolations(shape, length, at, unit) {
  const out = [];
  if (shape.min !== undefined && length < shape.min) out.push(`${at} must have at least ${shape.min} ${unit}`);
  if (shape.max !== undefined && length > shape.max) out.push(`${at} must have at most ${shape.max} ${unit}`);
  return out;
}

function rangeViolations(shape, value, at) {
  const out = [];
  if (shape.min !== undefined && value < shape.min) out.push(`${at} must be at least ${shape.min}`);
  if (shape.max !== undefined && value > shape.max) out.push(`${at} must be at most ${shape.max}`);
  return out;
}

/**
 * Reads flat query parameters (`Member`, `Map.entry.1.Name`, `List.member.1`) into the value of shape `name`,
 * marking each parameter it consumes in `used`; a parameter nobody consumes is not part of the input.
 */
export function fromQuery(model, name, params, prefix, used) {
  const shape = model.shapes[name];
  if (shape.type === 'structure') {
    const out = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const key = prefix ? `${prefix}.${member}` : member;
      const v = fromQuery(model, ref.shape, params, key, used);
      if (v !== undefined) out[member] = v;
    }
    return prefix && Object.keys(out).length === 0 ? undefined : out;
  }
  if (shape.type === 'map') {
    const out = {};
    for (let n = 1; `${prefix}.entry.${n}.${shape.key.locationName ?? 'key'}` in params; n++) {
      const keyParam = `${prefix}.entry.${n}.${shape.key.locationName ?? 'key'}`;
      used.add(keyParam);
      out[params[keyParam]] = fromQuery(
        model,
        shape.value.shape,
        params,
        `${prefix}.entry.${n}.${shape.value.locationName ?? 'value'}`,
        used,
      );
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (shape.type === 'list') {
    const out = [];
    for (let n = 1; `${prefix}.member.${n}` in params; n++)
      out.push(fromQuery(model, shape.member.shape, params, `${prefix}.member.${n}`, used));
    return out.length ? out : undefined;
  }
  if (!(prefix in params)) return undefined;
  used.add(prefix);
  return params[prefix];
}
