import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/lib/concurrency';

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6, 2], 3, async (ms) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60, 20]);
    expect(peak).toBe(3);
    expect(await mapWithConcurrency([], 6, async (x) => x)).toEqual([]);
  });
});
