import { claimStep, countThrottle } from '../../../db/queries/workflow-steps';
import type { BranchStep, ThrottleStep } from '../definition';
import { parseDuration } from '../definition';
import { type BranchChoice, entryOf } from '../program';
import { fail, next, type StepInput, type StepOutcome, stop } from './outcome';
import { buildScope, holds, scopedKey } from './run-scope';

/** A throttle: counted once per run in the window of its (subscriber, key); runs beyond the limit end `throttled`. */
export async function runThrottle({ ctx, loaded, step, ref }: StepInput<ThrottleStep>): Promise<StepOutcome> {
  const { run } = loaded;
  const stored =
    loaded.results.get(step.id) ??
    (await countThrottle(
      ctx.db,
      ref,
      { workflowId: run.workflowId, subscriberId: run.subscriberId, key: scopedKey(run, step.key) },
      step.limit,
      parseDuration(step.window)!,
    ));
  if (!stored) return stop;
  if (stored.status === 'throttled') return { kind: 'end', status: 'throttled' };
  return stored.status === 'completed' ? next() : stop;
}

/** A branch: the first branch whose rule holds runs its steps, else `else`, else none; the choice is recorded. */
export async function runBranch({ ctx, loaded, step, ref }: StepInput<BranchStep>): Promise<StepOutcome> {
  const steps = loaded.definition.steps as unknown as BranchStep[];
  const existing = loaded.results.get(step.id);
  if (existing) return next(entryOf(steps, step, (existing.output?.branch ?? null) as BranchChoice));
  const scope = await buildScope(ctx.db, loaded);
  const verdicts = step.branches.map((b) => holds(b.if, scope));
  const broken = verdicts.find((v) => typeof v === 'object');
  if (broken) return fail('condition_error', `step '${step.id}': ${(broken as { error: string }).error}`);
  const index = verdicts.indexOf(true);
  const choice: BranchChoice = index >= 0 ? index : step.else ? 'else' : null;
  const stored = await claimStep(ctx.db, ref, 'completed', { branch: choice }, true);
  if (!stored) return stop;
  // A concurrent delivery may have recorded first: follow what is stored, so both go the same way.
  return next(entryOf(steps, step, (stored.output?.branch ?? null) as BranchChoice));
}

/** A step whose `if` does not hold is recorded `skipped` and the run goes on. */
export async function skipStep({ ctx, ref }: StepInput): Promise<StepOutcome> {
  const stored = await claimStep(ctx.db, ref, 'skipped', null, true, 'its condition was false');
  return stored ? next() : stop;
}
