import type { AppContext } from '../../../context';
import { endRun, type LoadedRun, loadRun, moveRun, parkRun } from '../../../db/queries/workflow-runs';
import { enqueueEmitted } from '../../../queues/enqueue-webhooks';
import { type RunLane, sendRunWakes, withinQueueReach } from '../../../queues/enqueue-workflows';
import type { Step } from '../definition';
import { findStep, successorOf } from '../program';
import { runBranch, runThrottle, skipStep } from './gate-steps';
import { fail, type StepInput, type StepOutcome, stepRef } from './outcome';
import { buildScope, holds } from './run-scope';
import { runSend } from './send-step';
import { runDelay, runDigest } from './wait-steps';

/** More steps than a definition may hold: a run never needs more hops than this in one message. */
const MAX_HOPS = 64;
/** A message that arrives this much before the run's wake is early (a re-sent wake): it re-parks, not runs. */
const EARLY_TOLERANCE_MS = 1000;

/**
 * Advances one run as far as it can go now: step after step until it must wait (a delay, a digest window), ends,
 * or is found moved on by someone else. Each step's effect is exactly-once by its (run, step) result; moving the
 * run is a compare-and-set on its current step, so two deliveries of one message never both move it.
 * On the timer lane only a step waiting for this wake runs; any other step is handed to the work lane, so the
 * timer lane's pace is that of ending waits, not of the sends that follow them.
 */
export async function advanceRun(ctx: AppContext, tenantId: string, runId: string, lane: RunLane = 'work') {
  let loaded = await loadRun(ctx.db, tenantId, runId);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (!loaded || (loaded.run.status !== 'running' && loaded.run.status !== 'waiting')) return;
    const { run } = loaded;
    const now = new Date();
    if (run.wakeAt && run.wakeAt.getTime() - now.getTime() > EARLY_TOLERANCE_MS) {
      return park(ctx, loaded, run.currentStep!, run.wakeAt, now);
    }
    const steps = loaded.definition.steps as unknown as Step[];
    const step = run.currentStep ? findStep(steps, run.currentStep) : null;
    if (!step) {
      const out = await endRun(ctx.db, tenantId, runId, run.currentStep, 'failed', {
        code: 'step_missing',
        message: `the definition has no step '${run.currentStep}'`,
      });
      return enqueueEmitted(ctx, out.emitted);
    }
    if (lane === 'timer' && loaded.results.get(step.id)?.status !== 'waiting') {
      return sendRunWakes(ctx.env, [{ tenantId, runId }], 'work');
    }
    const outcome = await runStep({ ctx, loaded, step, ref: stepRef(loaded, step), now });
    switch (outcome.kind) {
      case 'stop':
        return;
      case 'wait':
        return park(ctx, loaded, step.id, outcome.until, now);
      case 'end': {
        const out = await endRun(ctx.db, tenantId, runId, step.id, outcome.status, outcome.error);
        return enqueueEmitted(ctx, out.emitted);
      }
      case 'next': {
        const to = outcome.to === undefined ? successorOf(steps, step.id) : outcome.to;
        if (to === null) {
          const out = await endRun(ctx.db, tenantId, runId, step.id, 'completed');
          return enqueueEmitted(ctx, out.emitted);
        }
        loaded = await moveRun(ctx.db, tenantId, runId, step.id, to);
      }
    }
  }
  ctx.log.error('workflow run did not settle; re-sent', { runId });
  await sendRunWakes(ctx.env, [{ tenantId, runId }], 'work');
}

async function runStep(input: StepInput): Promise<StepOutcome> {
  const { step, loaded, ctx } = input;
  const decided = loaded.results.get(step.id);
  if (!decided && step.if !== undefined) {
    const verdict = holds(step.if, await buildScope(ctx.db, loaded));
    if (typeof verdict === 'object') return fail('condition_error', `step '${step.id}': ${verdict.error}`);
    if (!verdict) return skipStep(input);
  }
  if (decided?.status === 'skipped') return { kind: 'next' };
  switch (step.type) {
    case 'send':
      return runSend({ ...input, step });
    case 'delay':
      return runDelay({ ...input, step });
    case 'digest':
      return runDigest({ ...input, step });
    case 'throttle':
      return runThrottle({ ...input, step });
    case 'branch':
      return runBranch({ ...input, step });
    default:
      return fail('unknown_step', `step '${(step as Step).id}' has an unknown type`);
  }
}

/** Parks the run; a wake within the queue's reach rides a delayed message, a later one waits for the cron. */
async function park(ctx: AppContext, loaded: LoadedRun, at: string, wakeAt: Date, now: Date) {
  const { tenantId, id } = loaded.run;
  const delaySeconds = Math.max(0, (wakeAt.getTime() - now.getTime()) / 1000);
  const enqueue = withinQueueReach(delaySeconds);
  if (!(await parkRun(ctx.db, tenantId, id, at, wakeAt, enqueue))) return;
  if (!enqueue) return;
  try {
    await sendRunWakes(ctx.env, [{ tenantId, runId: id, delaySeconds }], 'timer');
  } catch (err) {
    ctx.log.error('run wake not sent; the cron sends it', { err, runId: id });
    await parkRun(ctx.db, tenantId, id, at, wakeAt, false).catch(() => undefined);
  }
}
