import { describe, expect, it } from 'vitest';
import { quietHoursDelaySeconds } from '../../src/domain/preferences/quiet-hours';

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00' };
  it('defers inside a window that crosses midnight, in the subscriber time zone', () => {
    // 2026-01-15 23:30 in Paris (UTC+1) = 22:30 UTC → 7 h 30 min until 07:00.
    expect(quietHoursDelaySeconds(night, 'email', 'Europe/Paris', new Date('2026-01-15T22:30:00Z'))).toBe(7.5 * 3600);
    // 06:59:30 Paris → 30 s left.
    expect(quietHoursDelaySeconds(night, 'email', 'Europe/Paris', new Date('2026-01-16T05:59:30Z'))).toBe(30);
    // 12:00 Paris: outside.
    expect(quietHoursDelaySeconds(night, 'email', 'Europe/Paris', new Date('2026-01-16T11:00:00Z'))).toBe(0);
    // The same instant is daytime in Tokyo (UTC+9 → 07:30): outside.
    expect(quietHoursDelaySeconds(night, 'email', 'Asia/Tokyo', new Date('2026-01-15T22:30:00Z'))).toBe(0);
  });

  it('same-day windows, channel filter, and no time zone', () => {
    const lunch = { start: '12:00', end: '13:00', channels: ['sms'] };
    expect(quietHoursDelaySeconds(lunch, 'sms', 'UTC', new Date('2026-01-15T12:15:00Z'))).toBe(45 * 60);
    expect(quietHoursDelaySeconds(lunch, 'email', 'UTC', new Date('2026-01-15T12:15:00Z'))).toBe(0);
    expect(quietHoursDelaySeconds(lunch, 'sms', null, new Date('2026-01-15T12:15:00Z'))).toBe(0);
  });
});
