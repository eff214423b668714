/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight. Workers allow six simultaneous outgoing
 * connections per invocation; requests over that wait for a free one while their timeout already runs, so
 * callers with per-request timeouts stay under it.
 */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
