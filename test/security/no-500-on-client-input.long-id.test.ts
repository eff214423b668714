import { describe, expect, it } from 'vitest';
import { HOSTILE_PARAMS, hostileSweep } from '../helpers/hostile-sweep';

describe('client input never reaches a 500 (a 300-character id)', () => {
  it('every route from the OpenAPI document, with hostile bodies, queries and a 300-character id in every path parameter', async () => {
    expect(await hostileSweep(HOSTILE_PARAMS[2])).toEqual([]);
  }, 200_000);
});
