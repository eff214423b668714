// Contracts of the email providers' send calls, judged by their published descriptions (see the README in
// test/fixtures/provider-descriptions/). Each `check` returns readable violations; `reject` answers them the way
// the provider answers a malformed request.
import { shapeViolations } from './botocore.mjs';
import { headerParamViolations, jsonBody, violationsOf } from './request-parts.mjs';
import { compileIn, description, jsonAjv } from './schema-tools.mjs';

const json = (status, body, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const once = (make) => {
  let value;
  return () => (value ??= make());
};

const sendgridBody = once(() =>
  compileIn(jsonAjv, 'sendgrid', '/components/requestBodies/PostMailSend/content/application~1json/schema'),
);
const resendBody = once(() => compileIn(jsonAjv, 'resend', '/components/schemas/SendEmailRequest'));
const postmark = once(() => {
  const d = description('postmark').request;
  return { headers: jsonAjv.compile(d.headers), body: jsonAjv.compile(d.body) };
});

/** Runs `check(value)` on a JSON body, or reports why the body is not JSON. */
const onJson = (req, body, check) => {
  const parsed = jsonBody(req, body);
  return parsed.ok ? check(parsed.value) : [parsed.problem];
};

export const EMAIL_CONTRACTS = {
  sendgrid: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/v3/mail/send') return [];
      const op = description('sendgrid').paths['/v3/mail/send'].post;
      return [
        ...headerParamViolations(jsonAjv, op.parameters, req),
        ...onJson(req, body, (b) => violationsOf(sendgridBody(), b)),
      ];
    },
    reject: (violations) =>
      json(400, { errors: violations.map((v) => ({ field: v.split(' ')[0], message: `contract: ${v}` })) }),
  },
  resend: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/emails') return [];
      const op = description('resend').paths['/emails'].post;
      return [
        ...headerParamViolations(jsonAjv, op.parameters, req),
        ...onJson(req, body, (b) => violationsOf(resendBody(), b)),
      ];
    },
    reject: (violations) =>
      json(422, { statusCode: 422, name: 'validation_error', message: `contract: ${violations.join('; ')}` }),
  },
  postmark: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/email') return [];
      const { headers, body: bodySchema } = postmark();
      return [
        ...violationsOf(headers, req.headers, 'header '),
        ...onJson(req, body, (b) => violationsOf(bodySchema, b)),
      ];
    },
    reject: (violations) => json(422, { ErrorCode: 300, Message: `contract: ${violations.join('; ')}` }),
  },
  ses: {
    check(req, rest, body) {
      if (req.method !== 'POST' || rest !== '/v2/email/outbound-emails') return [];
      const model = description('ses');
      return onJson(req, body, (b) => shapeViolations(model, model.operations.SendEmail.input.shape, b));
    },
    reject: (violations) =>
      json(400, { message: `contract: ${violations.join('; ')}` }, { 'x-amzn-errortype': 'BadRequestException' }),
  },
};
