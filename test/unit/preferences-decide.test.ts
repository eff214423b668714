import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/preferences/decide';

describe('preference decision', () => {
  const prefs = {
    channels: { sms: false },
    categories: { marketing: { enabled: false }, digest: { channels: { email: false } } },
  };
  it('absent preferences allow; global opt-out blocks everything non-critical', () => {
    expect(decide(undefined, 'email', 'marketing', false)).toEqual({ send: true, reason: 'allowed' });
    expect(decide({ optOut: true }, 'email', null, false)).toEqual({ send: false, reason: 'opted_out' });
    expect(decide({ optOut: true }, 'email', 'security', true)).toEqual({ send: true, reason: 'critical' });
  });
  it('category off entirely or per channel; channel off', () => {
    expect(decide(prefs, 'email', 'marketing', false).reason).toBe('category_opted_out');
    expect(decide(prefs, 'email', 'digest', false).reason).toBe('category_opted_out');
    expect(decide(prefs, 'push', 'digest', false).send).toBe(true);
    expect(decide(prefs, 'sms', 'orders', false).reason).toBe('channel_opted_out');
    expect(decide(prefs, 'sms', 'security', true).send).toBe(true);
  });
});
