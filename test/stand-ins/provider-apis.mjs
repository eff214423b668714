// Stand-ins for provider HTTP APIs, mounted at /p/<provider>/… by provider-stand-in.mjs. Each checks a request
// the way the real API does (method, path, auth scheme, content type, required fields, per the providers' public
// API references) and answers like the provider: an error shaped as the provider's own, or its success body.
// `account` identifies whose credentials were presented, so tests can script and inspect per account.
import { CHAT_WEBHOOK_APIS } from './chat-webhook-apis.mjs';

const json = (status, body, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const bearer = (req) => /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
const awsAccount = (req, service) => {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(
      req.headers.authorization ?? '',
    );
  return m && m[3] === service && req.headers['x-amz-date'] ? m[1] : null;
};
const decodeJwt = (jwt) => {
  try {
    const [h, p] = jwt.split('.');
    return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
  } catch {
    return null;
  }
};
const parseBody = (req, body) => {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return undefined;
};

/** Returns { account, reject? , success } for a request to /p/<provider><rest>. */
export const PROVIDER_APIS = {
  sendgrid(req, rest, body) {
    const account = bearer(req);
    if (req.method !== 'POST' || rest !== '/v3/mail/send')
      return { reject: json(404, { errors: [{ message: 'not found' }] }) };
    if (!account)
      return {
        reject: json(401, {
          errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null }],
        }),
      };
    const b = parseBody(req, body);
    const errors = [];
    if (!b) errors.push({ field: null, message: 'Bad Request' });
    else {
      if (!b.personalizations?.[0]?.to?.[0]?.email)
        errors.push({ field: 'personalizations.0.to', message: 'The to array is required' });
      if (!b.from?.email)
        errors.push({ field: 'from.email', message: 'The from email does not contain a valid address.' });
      if (!b.subject) errors.push({ field: 'subject', message: 'The subject is required.' });
      // SendGrid's Mail Send reference: at least one content part; a text/plain part, when present, comes first
      // (an HTML-only email has none). Each value's length is the published description's to judge
      // (test/stand-ins/contracts/), so an empty value is refused there, naming the schema rule.
      const content = Array.isArray(b.content) ? b.content : [];
      if (!content.length) errors.push({ field: 'content', message: 'At least one content part is required.' });
      else if (content.some((c, i) => c?.type === 'text/plain' && i > 0)) {
        errors.push({ field: 'content', message: 'If present, text/plain must be first.' });
      }
    }
    if (errors.length) return { account, reject: json(400, { errors }) };
    return { account, success: { status: 202, headers: { 'x-message-id': `sg-${Date.now()}` }, body: '' } };
  },
  resend(req, rest, body) {
    const account = bearer(req);
    if (req.method !== 'POST' || rest !== '/emails')
      return { reject: json(404, { name: 'not_found', message: 'not found' }) };
    if (!account)
      return {
        reject: json(401, {
          statusCode: 401,
          name: 'missing_api_key',
          message: 'Missing API key in the authorization header.',
        }),
      };
    const b = parseBody(req, body);
    const missing = !b
      ? 'body'
      : (['from', 'to', 'subject'].find((f) => !b[f]) ?? (!b.html && !b.text ? 'html or text' : null));
    if (missing)
      return {
        account,
        reject: json(422, { statusCode: 422, name: 'validation_error', message: `Missing \`${missing}\` field.` }),
      };
    return { account, success: json(200, { id: crypto.randomUUID() }) };
  },
  postmark(req, rest, body) {
    const account = req.headers['x-postmark-server-token'];
    if (req.method !== 'POST' || rest !== '/email')
      return { reject: json(404, { ErrorCode: 404, Message: 'not found' }) };
    if (!account)
      return {
        reject: json(401, {
          ErrorCode: 10,
          Message: 'No Account or Server API tokens were supplied in the HTTP headers.',
        }),
      };
    if (!(req.headers.accept ?? '').includes('application/json'))
      return { account, reject: json(406, { ErrorCode: 406, Message: 'Accept header must be application/json' }) };
    const b = parseBody(req, body);
    if (!b?.From || !b.To || (!b.TextBody && !b.HtmlBody))
      return { account, reject: json(422, { ErrorCode: 300, Message: 'Invalid email request' }) };
    return {
      account,
      success: json(200, {
        To: b.To,
        SubmittedAt: new Date().toISOString(),
        MessageID: crypto.randomUUID(),
        ErrorCode: 0,
        Message: 'OK',
      }),
    };
  },
  ses(req, rest, body) {
    if (req.method !== 'POST' || rest !== '/v2/email/outbound-emails')
      return { reject: json(404, { message: 'not found' }) };
    const account = awsAccount(req, 'ses');
    if (!account)
      return {
        reject: json(
          403,
          { message: 'The request signature we calculated does not match the signature you provided.' },
          { 'x-amzn-errortype': 'SignatureDoesNotMatchException' },
        ),
      };
    const b = parseBody(req, body);
    if (!b?.FromEmailAddress || !b.Destination?.ToAddresses?.length || !b.Content?.Simple?.Subject?.Data) {
      return {
        account,
        reject: json(400, { message: 'Missing required parameters' }, { 'x-amzn-errortype': 'BadRequestException' }),
      };
    }
    return { account, success: json(200, { MessageId: `ses-${Date.now()}` }) };
  },
  sns(req, rest, body) {
    if (req.method !== 'POST' || rest !== '/') return { reject: { status: 404, headers: {}, body: '' } };
    const account = awsAccount(req, 'sns');
    const xmlError = (status, type, code, message) => ({
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    });
    if (!account)
      return {
        reject: xmlError(
          403,
          'Sender',
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
        ),
      };
    const b = parseBody(req, body);
    if (b?.Action !== 'Publish' || b.Version !== '2010-03-31' || !b.PhoneNumber || !b.Message) {
      return {
        account,
        reject: xmlError(400, 'Sender', 'InvalidParameter', 'Invalid parameter: PhoneNumber or Message'),
      };
    }
    return {
      account,
      success: {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<PublishResponse><PublishResult><MessageId>sns-${Date.now()}</MessageId></PublishResult></PublishResponse>`,
      },
    };
  },
  twilio(req, rest, body) {
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/.exec(rest);
    if (req.method !== 'POST' || !m)
      return { reject: json(404, { code: 20404, message: 'The requested resource was not found', status: 404 }) };
    const [user] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (user !== m[1]) return { reject: json(401, { code: 20003, message: 'Authenticate', status: 401 }) };
    const b = parseBody(req, body);
    if (!b?.To)
      return {
        account: user,
        reject: json(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 }),
      };
    if (!b.From && !b.MessagingServiceSid)
      return {
        account: user,
        reject: json(400, { code: 21603, message: "A 'From' phone number is required.", status: 400 }),
      };
    if (!b.Body)
      return { account: user, reject: json(400, { code: 21602, message: 'Message body is required.', status: 400 }) };
    return {
      account: user,
      success: json(201, {
        sid: `SM${crypto.randomUUID().replace(/-/g, '')}`,
        status: 'queued',
        to: b.To,
        num_segments: '1',
      }),
    };
  },
  google(req, rest, body) {
    if (req.method !== 'POST' || rest !== '/token') return { reject: json(404, { error: 'not_found' }) };
    const b = parseBody(req, body);
    const jwt = b?.assertion && decodeJwt(b.assertion);
    if (b?.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !jwt || jwt.header.alg !== 'RS256') {
      return { reject: json(400, { error: 'invalid_grant', error_description: 'Invalid JWT' }) };
    }
    if (!jwt.payload.scope?.includes('firebase.messaging') || !jwt.payload.iss) {
      return { reject: json(400, { error: 'invalid_scope', error_description: 'Invalid scope' }) };
    }
    return {
      account: jwt.payload.iss,
      success: json(200, { access_token: `ya29.${jwt.payload.iss}`, expires_in: 3599, token_type: 'Bearer' }),
    };
  },
  fcm(req, rest, body) {
    const m = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(rest);
    if (req.method !== 'POST' || !m) return { reject: json(404, { error: { code: 404, status: 'NOT_FOUND' } }) };
    const token = bearer(req);
    if (!token?.startsWith('ya29.'))
      return {
        reject: json(401, {
          error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' },
        }),
      };
    const account = token.slice(5);
    const b = parseBody(req, body);
    if (!b?.message?.token || (b.message.data && Object.values(b.message.data).some((v) => typeof v !== 'string'))) {
      return {
        account,
        reject: json(400, { error: { code: 400, message: 'Invalid message', status: 'INVALID_ARGUMENT' } }),
      };
    }
    return { account, success: json(200, { name: `projects/${m[1]}/messages/${Date.now()}` }) };
  },
  apns(req, rest, body) {
    const m = /^\/3\/device\/([0-9a-zA-Z]+)$/.exec(rest);
    if (req.method !== 'POST' || !m) return { reject: json(404, { reason: 'BadPath' }) };
    const jwt = decodeJwt((req.headers.authorization ?? '').replace(/^bearer /i, ''));
    if (jwt?.header.alg !== 'ES256' || !jwt.header.kid || !jwt.payload.iss)
      return { reject: json(403, { reason: 'InvalidProviderToken' }) };
    const account = jwt.payload.iss;
    if (!req.headers['apns-topic']) return { account, reject: json(400, { reason: 'MissingTopic' }) };
    if (req.headers['apns-push-type'] !== 'alert') return { account, reject: json(400, { reason: 'InvalidPushType' }) };
    const b = parseBody(req, body);
    if (!b?.aps) return { account, reject: json(400, { reason: 'PayloadEmpty' }) };
    return {
      account,
      success: { status: 200, headers: { 'apns-id': req.headers['apns-id'] ?? crypto.randomUUID() }, body: '' },
    };
  },
  slack(req, rest, body) {
    if (req.method !== 'POST' || rest !== '/api/chat.postMessage')
      return { reject: json(404, { ok: false, error: 'unknown_method' }) };
    const account = bearer(req);
    if (!account) return { reject: json(200, { ok: false, error: 'not_authed' }) };
    const b = parseBody(req, body);
    if (!b?.channel) return { account, reject: json(200, { ok: false, error: 'channel_not_found' }) };
    if (!b.text && !b.blocks) return { account, reject: json(200, { ok: false, error: 'no_text' }) };
    return { account, success: json(200, { ok: true, channel: b.channel, ts: `${Date.now() / 1000}` }) };
  },
  ...CHAT_WEBHOOK_APIS,
};
