import { describe, expect, it } from 'vitest';
import { urlProblem } from '../../src/domain/webhooks/ssrf-guard';

const production = { requireHttps: true, allowPrivate: false, ownHost: 'api.notifykit.dev' };

const HOSTILE = [
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

describe('SSRF guard', () => {
  it.each(HOSTILE)('refuses %s', (url) => {
    expect(urlProblem(url, production)).not.toBeNull();
  });

  it('allows legitimate public URLs', () => {
    for (const url of [
      'https://hooks.example.com/notify',
      'https://93.184.216.34/x',
      'https://[2606:4700:4700::1111]/x',
      'https://hooks.slack.com/services/T/B/X',
    ]) {
      expect(urlProblem(url, production), url).toBeNull();
    }
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
  });

  it('local development may reach loopback through the explicit setting, never itself', () => {
    const dev = { requireHttps: false, allowPrivate: true, ownHost: '127.0.0.1:8787' };
    expect(urlProblem('http://localhost:9000/hook', dev)).toBeNull();
    expect(urlProblem('http://127.0.0.1:8787/v1', dev)).toBe('must not point at this API');
  });
});
