import { describe, expect, it } from 'vitest';
import { localTime, nextRuns, occurrenceToRun, patternFor } from '../../src/domain/schedules/recurrence';

describe('patternFor', () => {
  const anchor = new Date('2027-01-04T14:37:00Z'); // Monday 09:37 in New York (EST)
  const ny = 'America/New_York';

  it('turns every into a cron pattern anchored at the local minute, hour and weekday', () => {
    expect(patternFor({ every: '15m', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '7-59/15 * * * *' });
    expect(patternFor({ every: '1m', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '0-59/1 * * * *' });
    expect(patternFor({ every: '6h', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '37 3-23/6 * * *' });
    expect(patternFor({ every: '1d', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '37 9 * * *' });
    expect(patternFor({ every: '1w', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '37 9 * * 1' });
  });

  it('refuses intervals that do not divide an hour or a day, and malformed cron expressions', () => {
    for (const every of ['7m', '60m', '5h', '24h', '2d', '3w', '0m', 'daily', '']) {
      expect(patternFor({ every, timezone: 'UTC' }, anchor).ok, every).toBe(false);
    }
    for (const cron of ['61 * * * *', '* * * *', '0 9 * * * *', '0 25 * * *', 'a b c d e']) {
      const result = patternFor({ cron, timezone: 'UTC' }, anchor);
      expect(result.ok, cron).toBe(false);
    }
    expect(patternFor({ cron: ' 0  9 * * 1-5 ', timezone: ny }, anchor)).toEqual({ ok: true, pattern: '0 9 * * 1-5' });
  });
});

describe('occurrenceToRun', () => {
  const s = { timezone: 'UTC', startAt: null, endAt: null };

  it('runs the stored next run once it is due, nothing before', () => {
    const next = new Date('2027-06-01T10:00:00Z');
    expect(occurrenceToRun('0 * * * *', s, next, new Date('2027-06-01T10:00:30Z'))).toEqual({
      at: next,
      skipped: false,
    });
    expect(occurrenceToRun('0 * * * *', s, next, new Date('2027-06-01T09:58:59Z'))).toBeNull();
  });

  it('after downtime runs only the latest missed occurrence', () => {
    const result = occurrenceToRun(
      '*/10 * * * *',
      s,
      new Date('2027-06-01T08:00:00Z'),
      new Date('2027-06-01T10:55:00Z'),
    );
    expect(result).toEqual({ at: new Date('2027-06-01T10:50:00Z'), skipped: true });
    // Just before the next slot: still the missed one, never the coming one.
    expect(
      occurrenceToRun('*/10 * * * *', s, new Date('2027-06-01T08:00:00Z'), new Date('2027-06-01T10:59:30Z')),
    ).toEqual({ at: new Date('2027-06-01T10:50:00Z'), skipped: true });
  });

  it('respects endAt: no runs after it', () => {
    const ending = { ...s, endAt: new Date('2027-06-01T12:00:00Z') };
    expect(nextRuns('0 * * * *', ending, new Date('2027-06-01T09:30:00Z'), 5).map((d) => d.toISOString())).toEqual([
      '2027-06-01T10:00:00.000Z',
      '2027-06-01T11:00:00.000Z',
    ]);
  });
});

describe('localTime', () => {
  it('formats in the zone, across DST', () => {
    expect(localTime(new Date('2027-03-15T13:00:00Z'), 'America/New_York')).toBe('2027-03-15T09:00');
    expect(localTime(new Date('2027-01-15T14:00:00Z'), 'America/New_York')).toBe('2027-01-15T09:00');
    expect(localTime(new Date('2027-07-01T22:30:00Z'), 'Asia/Kolkata')).toBe('2027-07-02T04:00');
  });
});
