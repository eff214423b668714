import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from '../../src/domain/notifications/webhook-url-policy';

describe('webhook URL policy', () => {
  it('production: public https only', () => {
    expect(webhookUrlProblem('https://hooks.example.com/x', 'production')).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', 'production')).toBe('must use https');
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
    ]) {
      expect(webhookUrlProblem(`https://${host}/x`, 'production'), host).toMatch(/private or loopback/);
    }
    expect(webhookUrlProblem('https://user:pw@hooks.example.com', 'production')).toMatch(/credentials/);
  });

  it('development and test: http to loopback allowed for local stand-ins', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', 'test')).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/x', 'development')).toBe('must use http or https');
    expect(webhookUrlProblem('not a url', 'test')).toBe('must be an absolute URL');
  });
});
