/**
 * How long message bodies and attempt details are kept (docs/operations.md#retention). Statuses, timestamps, costs
 * and the usage roll-ups are kept regardless, so analytics never change when bodies go.
 */
export const DEFAULT_RETENTION_DAYS = 30;
export const MIN_RETENTION_DAYS = 1;
/** Ten years: long enough for any record-keeping duty, short enough that "forever" is a decision, not a default. */
export const MAX_RETENTION_DAYS = 3_650;

export const effectiveRetentionDays = (days: number | null | undefined) => days ?? DEFAULT_RETENTION_DAYS;
