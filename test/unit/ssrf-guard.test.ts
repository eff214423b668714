import { describe, expect, it } from 'vitest';
import { urlProblem } from '../../src/lib/ssrf-guard';
import { HOSTILE_URLS as HOSTILE, PRODUCTION_URL_POLICY as production } from '../helpers/ssrf-table';

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
