/**
 * The SSRF table (from the webhooks issue): URLs a tenant must never make us call, as literal IPs in every
 * notation, private/link-local/metadata ranges in IPv4 and IPv6, internal names, ourselves, and malformed forms.
 * Shared by the guard's unit test, the API tests and the send-time check of the webhook-style providers.
 */
export const PRODUCTION_URL_POLICY = { requireHttps: true, allowPrivate: false, ownHost: 'api.notifykit.dev' };

export const HOSTILE_URLS = [
  'https://127.0.0.1/hook',
  'https://127.1.2.3/',
  'https://2130706433/', // decimal 127.0.0.1
  'https://0x7f000001/', // hex
  'https://0177.0.0.1/', // octal
  'https://0.0.0.0/',
  'https://10.0.0.5/',
  'https://172.16.0.1/',
  'https://172.31.255.255/',
  'https://192.168.1.1/',
  'https://100.64.0.1/', // CGNAT
  'https://169.254.169.254/latest/meta-data', // metadata
  'https://169.254.1.1/',
  'https://224.0.0.1/',
  'https://255.255.255.255/',
  'https://198.18.0.1/',
  'https://[::1]/',
  'https://[::]/',
  'https://[::ffff:127.0.0.1]/', // IPv4-mapped
  'https://[::ffff:7f00:1]/',
  'https://[::ffff:169.254.169.254]/',
  'https://[fe80::1]/',
  'https://[fc00::1]/',
  'https://[fd00:ec2::254]/', // AWS IMDS v6
  'https://[ff02::1]/',
  'https://[64:ff9b::10.0.0.1]/', // NAT64 of a private address
  'https://[2002:a00:1::]/', // 6to4 of 10.0.0.1
  'https://[::127.0.0.1]/', // IPv4-compatible
  'https://localhost/',
  'https://LOCALHOST./',
  'https://app.localhost/',
  'https://printer.local/',
  'https://db.internal/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://intranet/',
  'https://api.notifykit.dev/v1/notifications', // ourselves
  'http://hooks.example.com/', // http in production
  'https://user:pass@hooks.example.com/',
  'ftp://hooks.example.com/',
  'not a url',
];
