// Contracts of the chat providers' calls: Slack's Web API (chat.postMessage) and incoming webhooks, Discord's
// Execute Webhook and Teams' incoming webhook, judged by the vendored descriptions.
import { formBody, jsonBody, violationsOf } from './request-parts.mjs';
import { compileIn, description, formAjv, jsonAjv } from './schema-tools.mjs';

const json = (status, body) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const text = (status, body) => ({ status, headers: { 'content-type': 'text/plain' }, body });
const once = (make) => {
  let value;
  return () => (value ??= make());
};

/** chat.postMessage's formData parameters as one object schema; JSON-typed params (blocks) are judged after. */
const slack = once(() => {
  const op = description('slack').paths['/chat.postMessage'].post;
  const form = op.parameters.filter((p) => p.in === 'formData');
  const schema = {
    type: 'object',
    properties: Object.fromEntries(form.map((p) => [p.name, { type: p.type }])),
    required: form.filter((p) => p.required).map((p) => p.name),
  };
  return { params: formAjv.compile(schema), blocks: compileIn(jsonAjv, 'slack', '/definitions/blocks') };
});
const discord = once(() => compileIn(jsonAjv, 'discord', '/components/schemas/IncomingWebhookRequestPartial'));
const slackWebhook = once(() => jsonAjv.compile(description('slack-webhook').request.body));
const teams = once(() => jsonAjv.compile(description('teams').request.body));

/**
 * A JSON call to a form-described method carries its arrays and objects as JSON values where the form would carry
 * them "as a URL-encoded string": restate them as that string, so one set of parameter types judges both.
 */
const asFormValues = (body) =>
  Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]),
  );

const onJson = (req, body, check) => {
  const parsed = jsonBody(req, body);
  return parsed.ok ? check(parsed.value) : [parsed.problem];
};

export const CHAT_CONTRACTS = {
  slack: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/api/chat.postMessage') return [];
      const { params, blocks } = slack();
      // The description's required `token` header parameter: Slack takes it as `Authorization: Bearer <token>`.
      const out = /^Bearer xox[a-z]-/i.test(req.headers.authorization ?? '')
        ? []
        : ['token (Authorization: Bearer xox…) is required'];
      const isJson = /^application\/json\b/i.test(req.headers['content-type'] ?? '');
      const parsed = isJson ? jsonBody(req, body) : formBody(req, body);
      if (!parsed.ok) return [...out, parsed.problem];
      const values = isJson ? asFormValues(parsed.value) : parsed.value;
      out.push(...violationsOf(params, { ...values }));
      if (typeof values.blocks === 'string') {
        try {
          out.push(...violationsOf(blocks, JSON.parse(values.blocks), '/blocks'));
        } catch {
          out.push('/blocks is not a JSON array');
        }
      }
      return out;
    },
    reject: (violations) =>
      json(200, {
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: violations.map((v) => `[ERROR] ${v}`) },
      }),
  },
  'slack-webhook': {
    check: (req, _rest, body) =>
      req.method === 'POST' ? onJson(req, body, (b) => violationsOf(slackWebhook(), b)) : [],
    reject: () => text(400, 'invalid_payload'),
  },
  discord: {
    check(req, rest, body) {
      if (req.method !== 'POST' || !/^\/api\/webhooks\/\d+\/[\w-]+$/.test(rest.split('?')[0])) return [];
      return onJson(req, body, (b) => violationsOf(discord(), b));
    },
    reject: (violations) => json(400, { code: 50035, message: 'Invalid Form Body', errors: { contract: violations } }),
  },
  teams: {
    check: (req, _rest, body) => (req.method === 'POST' ? onJson(req, body, (b) => violationsOf(teams(), b)) : []),
    reject: (violations) => text(400, `Bad payload (contract): ${violations.join('; ')}`),
  },
};
