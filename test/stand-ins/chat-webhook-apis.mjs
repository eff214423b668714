// Stand-ins for the chat incoming webhooks (the URL is the credential), mounted like the provider APIs at
// /p/<provider>/… so their requests are recorded per webhook and judged against the published descriptions.
// A test uses `${TEST_STAND_INS.baseUrl}/p/discord/api/webhooks/<id>/<token>` (or slack-webhook, teams) as the
// subscriber's webhook URL.

const json = (status, body) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const CHAT_WEBHOOK_APIS = {
  /** Discord Execute Webhook: POST /api/webhooks/{id}/{token}?wait=true → 200 message (404 code 10015 unknown). */
  discord(req, rest) {
    const m = /^\/api\/webhooks\/(\d+)\/([\w-]+)$/.exec(rest.split('?')[0]);
    if (req.method !== 'POST' || !m) return { reject: json(404, { message: 'Unknown Webhook', code: 10015 }) };
    return {
      account: m[1],
      success: json(200, { id: `${Date.now()}${Math.floor(Math.random() * 1000)}`, webhook_id: m[1] }),
    };
  },
  /** Slack incoming webhook: POST /services/T…/B…/… → 200 "ok". */
  'slack-webhook'(req, rest) {
    const m = /^\/services\/([A-Z0-9]+\/[A-Z0-9]+\/\w+)$/.exec(rest);
    if (req.method !== 'POST' || !m) return { reject: { status: 404, headers: {}, body: 'no_service' } };
    return {
      account: m[1].replaceAll('/', '-'),
      success: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' },
    };
  },
  /** Teams incoming webhook (Workflows): POST /workflows/{id}/… → 202. */
  teams(req, rest) {
    const m = /^\/workflows\/([\w-]+)(\/|$)/.exec(rest);
    if (req.method !== 'POST' || !m) return { reject: { status: 404, headers: {}, body: '' } };
    return { account: m[1], success: { status: 202, headers: {}, body: '' } };
  },
};
