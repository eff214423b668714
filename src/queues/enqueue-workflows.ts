import type { AppBindings } from '../env';
import { MAX_QUEUE_DELAY_SECONDS, SEND_BATCH_LIMIT } from '../lib/queue-limits';
import type { WorkflowMessage } from './messages';

export interface RunWake {
  tenantId: string;
  runId: string;
  delaySeconds?: number;
}

/**
 * Where a run's message goes. `work`: a run to advance now (a new run, a step after a wait). `timer`: a wait's end
 * (a delay, a digest window, the due scan, a trigger's sendAt), on its own queue so a wake never waits behind a
 * burst of new runs; its consumer ends the wait and hands the next step back to `work`.
 */
export type RunLane = 'work' | 'timer';

/** Whether a wake this far ahead can ride a delayed queue message; beyond it the due-scan cron sends it later. */
export const withinQueueReach = (delaySeconds: number) => delaySeconds <= MAX_QUEUE_DELAY_SECONDS;

/** Sends run messages, 100 per sendBatch, in parallel. Throws if any send fails (the caller leaves them to the cron). */
export async function sendRunWakes(env: AppBindings, wakes: RunWake[], lane: RunLane): Promise<void> {
  const queue = lane === 'timer' ? env.QUEUE_WORKFLOW_TIMERS : env.QUEUE_WORKFLOWS;
  const now = Date.now();
  const messages: MessageSendRequest<WorkflowMessage>[] = wakes.map((w) => {
    const body: WorkflowMessage = { v: 1, type: 'workflow', tenantId: w.tenantId, runId: w.runId };
    if (!w.delaySeconds || w.delaySeconds <= 0) return { body, contentType: 'json' };
    // Whole seconds on the queue, rounded down; the consumer holds the message for the rest (see wakeAt).
    body.wakeAt = new Date(now + w.delaySeconds * 1000).toISOString();
    return { body, contentType: 'json', delaySeconds: Math.floor(w.delaySeconds) };
  });
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    sends.push(queue.sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT)));
  }
  await Promise.all(sends);
}
