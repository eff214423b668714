/** Seconds from `now` until `at` (an ISO time), never negative; 0 when there is no time. For queue delays. */
export function secondsUntil(at: string | null | undefined, now = Date.now()): number {
  return at ? Math.max(0, (Date.parse(at) - now) / 1000) : 0;
}
