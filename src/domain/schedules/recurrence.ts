import { Cron } from 'croner';

/**
 * When a schedule runs. Both forms become a 5-field cron pattern evaluated by croner in the schedule's IANA time
 * zone, so wall-clock times survive DST changes (09:00 stays 09:00 local). `every` is anchored at the start time's
 * local minute/hour/weekday: `15m` → at anchor-minute mod 15 past every quarter hour, `1d` → daily at the anchor's
 * local time, `1w` → weekly on the anchor's weekday. Intervals that do not divide an hour/day evenly (`7m`, `5h`,
 * `2d`) are refused: say them as a cron expression instead.
 */
export interface Recurrence {
  cron?: string | undefined;
  every?: string | undefined;
  timezone: string;
  startAt?: Date | null | undefined;
  endAt?: Date | null | undefined;
}

export type PatternResult = { ok: true; pattern: string } | { ok: false; path: 'cron' | 'every'; message: string };

const EVERY = /^([1-9]\d*)(m|h|d|w)$/;

function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour12: false,
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { minute: Number(get('minute')), hour: Number(get('hour')) % 24, weekday };
}

export function patternFor(r: Pick<Recurrence, 'cron' | 'every' | 'timezone'>, anchor: Date): PatternResult {
  if (r.cron !== undefined) {
    const fields = r.cron.trim().split(/\s+/);
    if (fields.length !== 5)
      return { ok: false, path: 'cron', message: 'must have 5 fields: minute hour day month weekday' };
    try {
      new Cron(fields.join(' '), { mode: '5-part', timezone: r.timezone, paused: true }).nextRun();
    } catch (err) {
      return { ok: false, path: 'cron', message: (err as Error).message.replace(/^CronPattern: /, '') };
    }
    return { ok: true, pattern: fields.join(' ') };
  }
  const m = EVERY.exec(r.every ?? '');
  if (!m) return { ok: false, path: 'every', message: 'must look like 15m, 2h, 1d or 1w' };
  const n = Number(m[1]);
  const { minute, hour, weekday } = localParts(anchor, r.timezone);
  switch (m[2]) {
    case 'm':
      if (n >= 60 || 60 % n !== 0) return { ok: false, path: 'every', message: 'minutes must divide 60 (1–30)' };
      return { ok: true, pattern: `${minute % n}-59/${n} * * * *` };
    case 'h':
      if (n >= 24 || 24 % n !== 0) return { ok: false, path: 'every', message: 'hours must divide 24 (1–12)' };
      return { ok: true, pattern: `${minute} ${hour % n}-23/${n} * * *` };
    case 'd':
      if (n !== 1)
        return { ok: false, path: 'every', message: 'only 1d; use a cron expression for other day intervals' };
      return { ok: true, pattern: `${minute} ${hour} * * *` };
    default:
      if (n !== 1)
        return { ok: false, path: 'every', message: 'only 1w; use a cron expression for other week intervals' };
      return { ok: true, pattern: `${minute} ${hour} * * ${weekday}` };
  }
}

function cronOf(pattern: string, r: Pick<Recurrence, 'timezone' | 'startAt' | 'endAt'>) {
  return new Cron(pattern, {
    mode: '5-part',
    timezone: r.timezone,
    paused: true,
    ...(r.startAt ? { startAt: r.startAt } : {}),
    ...(r.endAt ? { stopAt: r.endAt } : {}),
  });
}

/** The next `count` runs strictly after `after`. */
export function nextRuns(
  pattern: string,
  r: Pick<Recurrence, 'timezone' | 'startAt' | 'endAt'>,
  after: Date,
  count: number,
) {
  return cronOf(pattern, r).nextRuns(count, after);
}

export function nextRun(pattern: string, r: Pick<Recurrence, 'timezone' | 'startAt' | 'endAt'>, after: Date) {
  return cronOf(pattern, r).nextRun(after);
}

/**
 * The occurrence to run at `now`, given the stored next run: the latest run in [nextRunAt, now], never a later
 * one. Older missed runs (downtime, a paused cron) are skipped: running a backlog of stale reminders at once is
 * worse than running the latest. Null when nothing is due yet.
 */
export function occurrenceToRun(
  pattern: string,
  r: Pick<Recurrence, 'timezone' | 'startAt' | 'endAt'>,
  nextRunAt: Date,
  now: Date,
): { at: Date; skipped: boolean } | null {
  if (nextRunAt.getTime() > now.getTime()) return null;
  const [latest] = cronOf(pattern, r).previousRuns(1, new Date(now.getTime() + 1));
  if (!latest || latest.getTime() <= nextRunAt.getTime()) return { at: nextRunAt, skipped: false };
  return { at: latest, skipped: true };
}

/** `2026-03-09T09:00` in the schedule's zone: what a person reading the preview expects. */
export function localTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
}
