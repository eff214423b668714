import type { AppContext } from '../../../context';
import type { LoadedRun } from '../../../db/queries/workflow-runs';
import type { StepRef } from '../../../db/queries/workflow-steps';
import type { Step } from '../definition';

/** What running a step asks of the run. */
export type StepOutcome =
  /** Go on: to the step's successor, or to `to` (a branch's entry; null = the run is done). */
  | { kind: 'next'; to?: string | null }
  /** Park until `until` (a delay, a digest window). */
  | { kind: 'wait'; until: Date }
  /** End the run here. */
  | { kind: 'end'; status: 'digested' | 'throttled' | 'failed'; error?: { code: string; message: string } }
  /** The run moved on or ended elsewhere (another delivery of the message, a cancel): nothing to do. */
  | { kind: 'stop' };

export const next = (to?: string | null): StepOutcome => (to === undefined ? { kind: 'next' } : { kind: 'next', to });
export const wait = (until: Date): StepOutcome => ({ kind: 'wait', until });
export const stop: StepOutcome = { kind: 'stop' };
export const fail = (code: string, message: string): StepOutcome => ({
  kind: 'end',
  status: 'failed',
  error: { code, message },
});

export interface StepInput<S extends Step = Step> {
  ctx: AppContext;
  loaded: LoadedRun;
  step: S;
  ref: StepRef;
  now: Date;
}

export const stepRef = (loaded: LoadedRun, step: Step): StepRef => ({
  tenantId: loaded.run.tenantId,
  runId: loaded.run.id,
  stepId: step.id,
  type: step.type,
});
