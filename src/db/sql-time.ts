import { type SQL, sql } from 'drizzle-orm';

/**
 * A timestamptz as ISO-8601 UTC with milliseconds and `Z` (`2026-12-03T10:00:00.000Z`), the form `Date#toISOString`
 * gives, for timestamps built into JSON inside SQL: jsonb would write them as `+00:00`.
 */
export const isoUtc = (expr: SQL) => sql`to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
