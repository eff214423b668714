// Contracts of the SMS and push providers' calls (Twilio, SNS, Google's token endpoint, FCM, APNs), judged by
// the vendored descriptions; `reject` answers a violation the way the provider answers a malformed request.
import { fromQuery, shapeViolations } from './botocore.mjs';
import { discoveryToJsonSchema } from './discovery.mjs';
import { decodeJwt, formBody, jsonBody, violationsOf } from './request-parts.mjs';
import { compileIn, description, formAjv, jsonAjv } from './schema-tools.mjs';

const json = (status, body, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const once = (make) => {
  let value;
  return () => (value ??= make());
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

const TWILIO_PATH = '/2010-04-01/Accounts/{AccountSid}/Messages.json';
const twilio = once(() => {
  const op = description('twilio').paths[TWILIO_PATH].post;
  const pointer = `/paths/${TWILIO_PATH.replaceAll('/', '~1')}/post/requestBody/content/application~1x-www-form-urlencoded/schema`;
  return { op, body: compileIn(formAjv, 'twilio', pointer), sid: jsonAjv.compile(op.parameters[0].schema) };
});
/** Twilio's `x-twilio.conditional`: at least one parameter of each group (snake_case names of the Pascal params). */
const pascal = (snake) => snake.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

const google = once(() => {
  const d = description('google-oauth');
  return {
    d,
    body: jsonAjv.compile(d.request.body),
    header: jsonAjv.compile(d.jwt.header),
    claims: jsonAjv.compile(d.jwt.claims),
  };
});
const fcm = once(() => {
  const doc = description('fcm');
  const ref = doc.resources.projects.resources.messages.methods.send.request.$ref;
  return jsonAjv.compile({ ...discoveryToJsonSchema(doc), $ref: `#/$defs/${ref}` });
});
const apns = once(() => {
  const d = description('apns');
  return {
    d,
    headers: jsonAjv.compile(d.request.headers),
    payload: jsonAjv.compile(d.request.payload),
    jwtHeader: jsonAjv.compile(d.jwt.header),
    claims: jsonAjv.compile(d.jwt.claims),
  };
});

/** Apple's documented `reason` for a violation, by the header or part it concerns. */
const APNS_REASONS = [
  [/^provider token iat/, 403, 'ExpiredProviderToken'],
  [/^header \/?authorization|^provider token/, 403, 'InvalidProviderToken'],
  [/apns-topic/, 400, 'MissingTopic'],
  [/apns-push-type/, 400, 'InvalidPushType'],
  [/apns-priority/, 400, 'BadPriority'],
  [/apns-expiration/, 400, 'BadExpirationDate'],
  [/apns-id/, 400, 'BadMessageId'],
  [/apns-collapse-id/, 400, 'BadCollapseId'],
  [/payload is larger/, 413, 'PayloadTooLarge'],
  [/^path/, 400, 'BadDeviceToken'],
];

export const MESSAGING_CONTRACTS = {
  twilio: {
    check(req, rest, body) {
      const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(rest);
      if (req.method !== 'POST' || !m) return [];
      const { op, body: validate, sid } = twilio();
      const form = formBody(req, body);
      if (!form.ok) return [form.problem];
      const out = [...violationsOf(sid, m[1], 'path AccountSid'), ...violationsOf(validate, form.value)];
      for (const group of op['x-twilio'].conditional) {
        if (!group.some((p) => form.value[pascal(p)] !== undefined))
          out.push(`one of ${group.map(pascal).join(', ')} is required`);
      }
      return out;
    },
    reject: (violations) => json(400, { message: `contract: ${violations.join('; ')}`, status: 400 }),
  },
  sns: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/') return [];
      const form = formBody(req, body);
      if (!form.ok) return [form.problem];
      const model = description('sns');
      const { Action, Version, ...params } = form.value;
      if (Action !== 'Publish') return [`Action must be Publish (got ${Action})`];
      const out = Version === model.metadata.apiVersion ? [] : [`Version must be ${model.metadata.apiVersion}`];
      const used = new Set();
      const input = fromQuery(model, model.operations.Publish.input.shape, params, '', used);
      for (const key of Object.keys(params)) if (!used.has(key)) out.push(`${key} is not a parameter of Publish`);
      return [...out, ...shapeViolations(model, model.operations.Publish.input.shape, input)];
    },
    reject: (violations) => ({
      status: 400,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>contract: ${violations.join('; ').replace(/[<&>]/g, '')}</Message></Error><RequestId>contract</RequestId></ErrorResponse>`,
    }),
  },
  google: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/token') return [];
      const { d, body: validate, header, claims } = google();
      const form = formBody(req, body);
      if (!form.ok) return [form.problem];
      const out = violationsOf(validate, form.value);
      const jwt = decodeJwt(form.value.assertion);
      if (!jwt) return [...out, 'assertion is not a JWT'];
      out.push(
        ...violationsOf(header, jwt.header, 'assertion header'),
        ...violationsOf(claims, jwt.claims, 'assertion claims'),
      );
      const { iat, exp, scope } = jwt.claims;
      if (exp - iat > d.jwt.maxLifetimeSeconds)
        out.push(`assertion claims exp is more than ${d.jwt.maxLifetimeSeconds} s after iat`);
      if (iat > nowSeconds() + 60) out.push('assertion claims iat is in the future');
      if (
        !String(scope ?? '')
          .split(' ')
          .includes(d.jwt.requiredScope)
      )
        out.push(`assertion claims scope lacks ${d.jwt.requiredScope}`);
      return out;
    },
    reject: (violations) =>
      json(400, { error: 'invalid_grant', error_description: `contract: ${violations.join('; ')}` }),
  },
  fcm: {
    check(req, rest, body) {
      if (req.method !== 'POST' || !/^\/v1\/projects\/[^/]+\/messages:send$/.test(rest)) return [];
      const parsed = jsonBody(req, body);
      return parsed.ok ? violationsOf(fcm(), parsed.value) : [parsed.problem];
    },
    reject: (violations) =>
      json(400, {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: `Invalid JSON payload received (contract): ${violations.join('; ')}`,
        },
      }),
  },
  apns: {
    check(req, rest, body) {
      if (req.method !== 'POST') return [];
      const { d, headers, payload, jwtHeader, claims } = apns();
      const out = new RegExp(d.request.pathPattern).test(rest)
        ? []
        : [`path ${rest} must be /3/device/<hex device token>`];
      out.push(...violationsOf(headers, req.headers, 'header '));
      const jwt = decodeJwt((req.headers.authorization ?? '').replace(/^bearer /i, ''));
      if (!jwt) out.push('provider token is not a JWT');
      else {
        out.push(
          ...violationsOf(jwtHeader, jwt.header, 'provider token header'),
          ...violationsOf(claims, jwt.claims, 'provider token claims'),
        );
        if (jwt.signature.length !== 64) out.push('provider token signature is not an ES256 (P-256) signature');
        const age = nowSeconds() - Number(jwt.claims.iat);
        if (age > d.jwt.maxAgeSeconds || age < -60)
          out.push(`provider token iat is not within the last ${d.jwt.maxAgeSeconds} s`);
      }
      if (Buffer.byteLength(body) > d.request.payloadMaxBytes)
        out.push(`payload is larger than ${d.request.payloadMaxBytes} bytes`);
      const parsed = jsonBody(req, body);
      out.push(...(parsed.ok ? violationsOf(payload, parsed.value, 'payload') : [`payload: ${parsed.problem}`]));
      return out;
    },
    reject(violations) {
      const [, status, reason] = APNS_REASONS.find(([re]) => re.test(violations[0])) ?? [null, 400, 'BadRequest'];
      return json(status, { reason, contract: violations });
    },
  },
};
