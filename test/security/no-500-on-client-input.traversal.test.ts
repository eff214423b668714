import { describe, expect, it } from 'vitest';
import { HOSTILE_PARAMS, hostileSweep } from '../helpers/hostile-sweep';

describe('client input never reaches a 500 (an encoded path traversal)', () => {
  it('every route from the OpenAPI document, with hostile bodies, queries and an encoded path traversal in every path parameter', async () => {
    expect(await hostileSweep(HOSTILE_PARAMS[1])).toEqual([]);
  }, 200_000);
});
