/** Ports of the test stack (dev uses 54329/54330/2525/8787, so both can run at once). */
export const TEST_DB = {
  pgPort: 54339,
  proxyPort: 54340,
  url: 'postgres://postgres:postgres@127.0.0.1:54339/app',
  wsProxy: '127.0.0.1:54340',
} as const;

/** Provider stand-ins (test/stand-ins/provider-stand-in.mjs). */
export const TEST_STAND_INS = {
  httpPort: 54352,
  smtpPort: 54351,
  baseUrl: 'http://127.0.0.1:54352',
} as const;

/** Test-only encryption keys for provider credentials (k1 is current in wrangler.toml; k0 exercises rotation). */
export const TEST_CREDENTIALS_KEYS = {
  k0: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  k1: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=',
} as const;

/** The operator token GET /metrics expects in tests (production: a secret, `openssl rand -hex 32`). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789abcdef0123456789abcdef';

const providerApi = (id: string) => `${TEST_STAND_INS.baseUrl}/p/${id}`;
export const TEST_PROVIDER_BASE_URLS = {
  sendgrid: providerApi('sendgrid'),
  resend: providerApi('resend'),
  postmark: providerApi('postmark'),
  ses: providerApi('ses'),
  sns: providerApi('sns'),
  twilio: providerApi('twilio'),
  fcm: providerApi('fcm'),
  google: providerApi('google'),
  apns: providerApi('apns'),
  slack: providerApi('slack'),
  // SNS signing certificates and subscription confirmations for inbound SES receipts: stand-in endpoints
  'sns-certs': `${TEST_STAND_INS.baseUrl}/hooks/sns-`,
} as const;
