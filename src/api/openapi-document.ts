import type { App } from './context';

/** Tags in the order the reference shows them, each with what its operations are for. */
const TAGS = [
  { name: 'System', description: "Liveness, readiness and the operator's Prometheus metrics." },
  { name: 'Onboarding', description: 'Sign up: a tenant and its first API key.' },
  { name: 'API keys', description: 'Keys with scopes, in test or live mode; create, roll and revoke.' },
  { name: 'Audit', description: 'Who changed what, and when.' },
  { name: 'Subscribers', description: 'The people notifications go to, addressed by your own user id.' },
  { name: 'Notifications', description: 'Send to subscribers, topics or raw addresses; follow every delivery.' },
  { name: 'Dead letters', description: 'Deliveries that ran out of retries, and replaying them.' },
  { name: 'Providers', description: 'Provider accounts per channel, in failover order.' },
  { name: 'Suppressions', description: 'Addresses providers reported as undeliverable.' },
  { name: 'Sandbox', description: 'What test keys would have sent.' },
  { name: 'Templates', description: 'Versioned Liquid templates, starter templates and email layouts.' },
  {
    name: 'Workflows',
    description: 'Multi-step notifications (send, delay, digest, throttle, branch), drafted and published as versions.',
  },
  {
    name: 'Workflow runs',
    description: 'Triggering workflows, cancelling runs by key, and each run with its timeline of steps.',
  },
  { name: 'Preferences', description: 'Categories, subscriber opt-outs and subscriber tokens.' },
  { name: 'Webhooks', description: 'Signed outgoing events, and the URLs providers post delivery receipts to.' },
  { name: 'Topics', description: 'Named lists of subscribers to broadcast to.' },
  { name: 'Broadcasts', description: 'Sends to a topic and their fan-out progress.' },
  { name: 'Schedules', description: 'Recurring sends by cron or interval, in a time zone.' },
  { name: 'Analytics', description: 'Volume, outcomes, engagement, cost and per-tenant metrics.' },
  { name: 'Settings', description: 'Tenant settings such as message retention.' },
  { name: 'Inbox', description: 'The in-app inbox: feed, counts, read state and the live socket.' },
];

/** Registers the shared components and serves the document at /openapi.json. */
export function registerOpenApiDocument(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A tenant API key: `Authorization: Bearer nk_test_…` or `nk_live_…`. Each operation names the scope it needs ' +
      '(`x-required-scope`); `admin` implies every scope.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'SubscriberToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A subscriber token from POST /v1/subscribers/{externalId}/token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'SubscriberTokenQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'A subscriber token for the inbox WebSocket, which browsers cannot send headers to',
  });
  app.openAPIRegistry.registerComponent('parameters', 'IdempotencyKey', {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Any unique string (1–255 printable ASCII). For 24 h, the same key with the same request replays the first ' +
      'answer (`Idempotency-Replay: true`); with another request it is a 422 `idempotency_key_reused`, and while ' +
      'the first is still running a 409.',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: '3f1c9a52-order-1234-receipt' },
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'notifykit API',
      version: '1.0.0',
      description: 'Multi-tenant notifications: email, SMS, push, chat, in-app and webhooks behind one API.',
    },
    // The deployment's public address (as in receipt URLs), else the address this document was fetched from.
    servers: [{ url: new URL(c.var.config.PUBLIC_BASE_URL || c.req.url).origin, description: 'This deployment' }],
    tags: TAGS,
  }));
}
