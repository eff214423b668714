import { sql } from 'drizzle-orm';

/**
 * A text[] parameter for `= ANY(...)`. Drizzle spreads a JS array into one parameter per element, so the array
 * travels as one JSON parameter and is unpacked in SQL.
 */
export const textArray = (values: string[]) =>
  sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
