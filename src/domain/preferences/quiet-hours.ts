/** Quiet hours in the subscriber's time zone, e.g. 22:00–07:00 (windows may cross midnight). */
export interface QuietHours {
  start: string;
  end: string;
  /** Channels the window applies to; absent = all. */
  channels?: string[];
}

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Local wall-clock minutes and seconds in `timeZone` at `now`. */
function localClock(now: Date, timeZone: string): { minutes: number; seconds: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second') };
}

/**
 * Seconds until the quiet window ends, or 0 when `now` is outside it (or it does not cover `channel`). Computed on
 * the local wall clock, so a DST change inside the window can shift the end by an hour; the delivery is checked
 * again when it comes back and deferred again if still inside.
 */
export function quietHoursDelaySeconds(
  quiet: QuietHours | undefined,
  channel: string,
  timeZone: string | null,
  now = new Date(),
): number {
  if (!quiet || !timeZone || (quiet.channels && !quiet.channels.includes(channel))) return 0;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return 0;
  const { minutes, seconds } = localClock(now, timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return 0;
  const minutesLeft = (end - minutes + 1440) % 1440;
  return minutesLeft * 60 - seconds;
}
