import { Cron } from 'croner';
import { flushDigestWindow, joinDigest } from '../../../db/queries/workflow-digests';
import { claimStep, finishStep, type StoredResult } from '../../../db/queries/workflow-steps';
import { newId } from '../../../lib/ids';
import { sendRunWakes } from '../../../queues/enqueue-workflows';
import { type DelayStep, type DigestStep, parseDuration } from '../definition';
import { fail, next, type StepInput, type StepOutcome, stop, wait } from './outcome';
import { scopedKey, valueAt } from './run-scope';

/** A delay: its wake time is fixed when the step is first reached and kept in its result, so a redelivery keeps it. */
export async function runDelay({ ctx, loaded, step, ref, now }: StepInput<DelayStep>): Promise<StepOutcome> {
  let stored: StoredResult | null = loaded.results.get(step.id) ?? null;
  if (!stored) {
    const wakeAt = delayEnd(step, loaded.run.data, now);
    if (wakeAt === null) return fail('invalid_delay', `step '${step.id}': ${step.until} is not an ISO time`);
    stored = await claimStep(ctx.db, ref, 'waiting', { wakeAt: wakeAt.toISOString() });
    if (!stored) return stop;
  }
  if (stored.status !== 'waiting') return next();
  const wakeAt = new Date(String(stored.output?.wakeAt));
  if (wakeAt.getTime() > now.getTime()) return wait(wakeAt);
  await finishStep(ctx.db, ref, { status: 'completed' });
  return next();
}

function delayEnd(step: DelayStep, data: Record<string, unknown>, now: Date): Date | null {
  if (step.duration) return new Date(now.getTime() + parseDuration(step.duration)! * 1000);
  const value = valueAt({ data }, step.until!);
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  // A time already past ends the delay at once (a reminder triggered late still goes out).
  return Number.isNaN(at) ? null : new Date(at);
}

/** When a window opened now closes: after its duration, or at the next time its cron names. */
export function windowEnd(step: DigestStep, subscriberTimezone: string | null, now: Date): Date {
  if (typeof step.window === 'string') return new Date(now.getTime() + parseDuration(step.window)! * 1000);
  const zone = step.window.timezone === 'subscriber' ? (subscriberTimezone ?? 'UTC') : (step.window.timezone ?? 'UTC');
  const cron = new Cron(step.window.cron.trim().split(/\s+/).join(' '), {
    mode: '5-part',
    timezone: zone,
    paused: true,
  });
  return cron.nextRun(now) ?? new Date(now.getTime() + 86_400_000);
}

/**
 * When the run reached its current step, had nothing queued: its trigger (or sendAt), or the end of its last wait.
 * A digest counts an event at this time, not when a busy queue got to it, so a backlog never splits a window.
 */
export function reachedAt(run: { wakeAt: Date | null }, now: Date): Date {
  return run.wakeAt && run.wakeAt.getTime() < now.getTime() ? run.wakeAt : now;
}

/**
 * The end of a window opened by an event that reached the step at `at`: a window's length from then, unless that end
 * has passed already (a backlog a whole window long), when it lasts a window's length from now, so that late events
 * are still gathered into one digest rather than flushed one by one.
 */
function openWindowEnd(step: DigestStep, timezone: string | null, at: Date, now: Date): Date {
  const end = windowEnd(step, timezone, at);
  return end.getTime() > now.getTime() ? end : windowEnd(step, timezone, now);
}

/**
 * A digest: the first run to reach it for a (subscriber, key) opens a window and waits for its end; the runs that
 * reach it while the window is open join it and end `digested`. At the end the waiting run goes on with
 * `digest.count` and `digest.events`. With sendFirst the opener goes on at once and the first joiner waits instead.
 * "Reach" is the run's `reachedAt`: a window opens at its first event's trigger, and an event triggered before the
 * window's end joins it as long as its flusher has not closed it.
 */
export async function runDigest({ ctx, loaded, step, ref, now }: StepInput<DigestStep>): Promise<StepOutcome> {
  const { run, subscriber } = loaded;
  let stored: StoredResult | null = loaded.results.get(step.id) ?? null;
  if (!stored) {
    const at = reachedAt(run, now);
    const event = { data: run.data, actor: run.actor, runId: run.id, at: at.toISOString() };
    const scope = { workflowId: run.workflowId, subscriberId: run.subscriberId, key: scopedKey(run, step.key) };
    const joined = await joinDigest(ctx.db, ref, scope, {
      windowId: newId('dgw'),
      event,
      at,
      keyPath: step.key,
      closesAt: openWindowEnd(step, subscriber?.timezone ?? null, at, now),
      sendFirst: step.sendFirst === true,
      maxEvents: step.maxEvents ?? null,
    });
    if (joined.wake) {
      await sendRunWakes(ctx.env, [{ tenantId: run.tenantId, runId: joined.wake }], 'timer').catch((err) =>
        ctx.log.error('digest flusher wake not sent; the cron sends it', { err, runId: joined.wake }),
      );
    }
    stored = joined.result;
    // A join ended its run in the same transaction.
    if (!stored || stored.status === 'digested') return stop;
  }
  switch (stored.status) {
    case 'digested':
      return { kind: 'end', status: 'digested' };
    case 'waiting':
      return flush(ctx, ref, String(stored.output?.windowId), step.key, now);
    case 'running':
      // Claimed but the join did not happen: only when the run left this step meanwhile.
      return stop;
    default:
      return next();
  }
}

/**
 * A window kept open past its end for events still on their way: the last of them wakes the flusher when it joins;
 * this recheck covers those that end another way (skipped by a condition, canceled) and a wake skipped on a lock.
 */
const HOLD_RECHECK_MS = 500;

async function flush(
  ctx: StepInput['ctx'],
  ref: StepInput['ref'],
  windowId: string,
  keyPath: string | undefined,
  now: Date,
): Promise<StepOutcome> {
  const window = await flushDigestWindow(ctx.db, ref, windowId, keyPath);
  if (!window) return fail('digest_window_missing', `step '${ref.stepId}': its digest window is gone`);
  if (window.status === 'open') {
    const closesAt = new Date(window.closesAt);
    return wait(closesAt.getTime() > now.getTime() ? closesAt : new Date(now.getTime() + HOLD_RECHECK_MS));
  }
  return next();
}
