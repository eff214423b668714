import { desc, lt, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** Cursor pagination over time-sortable ids, newest first: `after` is the last id of the previous page. */
export interface PageRequest {
  limit: number;
  after?: string | undefined;
}

export interface Page<T> {
  data: T[];
  next: string | null;
}

export function pageFilter(idColumn: PgColumn, page: PageRequest): SQL | undefined {
  return page.after ? lt(idColumn, page.after) : undefined;
}

export const pageOrder = (idColumn: PgColumn) => desc(idColumn);

/** Fetch `limit + 1` rows; the extra row only tells us whether there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  return { data, next: rows.length > limit ? (data[data.length - 1]?.id ?? null) : null };
}
