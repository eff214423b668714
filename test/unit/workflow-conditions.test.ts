import { describe, expect, it } from 'vitest';
import { ruleProblem } from '../../src/domain/workflows/definition';
import { holds, type RunScope } from '../../src/domain/workflows/engine/run-scope';

const scope = (data: Record<string, unknown>): RunScope => ({
  data,
  actor: null,
  subscriber: {},
  steps: { inbox: { status: 'delivered', read: false } },
  digest: null,
});

describe('workflow conditions', () => {
  it('evaluates JSONLogic over the run scope with the library’s truthiness', () => {
    expect(holds({ '==': [{ var: 'steps.inbox.read' }, false] }, scope({}))).toBe(true);
    expect(holds({ '>': [{ var: 'data.n' }, 2] }, scope({ n: 1 }))).toBe(false);
    expect(holds({ var: 'data.list' }, scope({ list: [] }))).toBe(false);
  });

  it('answers a rule that throws on this data as an error, not an exception', () => {
    // A rule refused at definition time (below), but holds() must not throw whatever it is given.
    expect(holds({ method: [{ var: 'data.n' }, 'toUpperCase'] }, scope({ n: 5 }))).toEqual({
      error: expect.any(String),
    });
  });

  it('refuses unknown operations and the "method" operation at definition time, at any depth', () => {
    expect(ruleProblem({ nope: [1] })).toMatch(/not a valid JSONLogic rule/);
    expect(ruleProblem({ and: [true, { method: [{ var: ['data.s', 'abc'] }, 'toUpperCase'] }] })).toBe(
      'must not use the "method" operation',
    );
    expect(ruleProblem({ in: ['a', { var: 'data.tags' }] })).toBeNull();
  });
});
