import type { AppContext } from '../context';
import { isDatabaseUnavailable } from '../db/errors';
import { endRun } from '../db/queries/workflow-runs';
import { advanceRun } from '../domain/workflows/engine/advance-run';
import { mapWithConcurrency } from '../lib/concurrency';
import { enqueueEmitted } from '../queues/enqueue-webhooks';
import { WorkflowMessageV1 } from '../queues/messages';
import { DB_UNAVAILABLE_RETRY_SECONDS } from './retry-policy';

export const WORKFLOW_QUEUE = 'notify-workflows';
export const WORKFLOW_TIMER_QUEUE = 'notify-workflow-timers';
/** Both lanes dead-letter here. */
export const WORKFLOW_DLQ = 'notify-workflows-dlq';

/** Runs of one batch advanced side by side: Workers allow six outgoing connections per invocation. */
const CONCURRENCY = 6;

/**
 * notify-workflows and its timer lane, notify-workflow-timers: each message advances one run; a failure retries that message alone (the run's state is in
 * Postgres, so a retry resumes where it stopped). Its DLQ fails the run with a reason, so no run waits forever.
 */
export async function handleWorkflowBatch(batch: MessageBatch<unknown>, ctx: AppContext) {
  const messages = batch.messages.map((message) => ({ message, parsed: WorkflowMessageV1.safeParse(message.body) }));
  // Soonest wake first: a slot held until one message is due never holds back one due earlier.
  messages.sort((a, b) => dueAt(a.parsed.data?.wakeAt) - dueAt(b.parsed.data?.wakeAt));
  await mapWithConcurrency(messages, CONCURRENCY, async ({ message, parsed }) => {
    if (!parsed.success) {
      ctx.log.error('unparsable workflow message acked', { messageId: message.id, body: message.body });
      message.ack();
      return;
    }
    const { tenantId, runId, wakeAt } = parsed.data;
    try {
      await holdUntil(wakeAt);
      if (batch.queue === WORKFLOW_DLQ) {
        const out = await endRun(ctx.db, tenantId, runId, 'anywhere', 'failed', {
          code: 'dead_lettered',
          message: 'the run could not advance after repeated failures',
        });
        await enqueueEmitted(ctx, out.emitted);
      } else {
        await advanceRun(ctx, tenantId, runId, batch.queue === WORKFLOW_TIMER_QUEUE ? 'timer' : 'work');
      }
      message.ack();
    } catch (err) {
      const delaySeconds = isDatabaseUnavailable(err) ? DB_UNAVAILABLE_RETRY_SECONDS : 10;
      ctx.log.error('workflow run could not advance; retrying', { runId, err, delaySeconds });
      message.retry({ delaySeconds });
    }
  });
}

/** Queue delays are whole seconds, rounded down: a wake arrives up to a second early and is held until it is due. */
const MAX_HOLD_MS = 1500;
const dueAt = (wakeAt: string | undefined) => (wakeAt ? Date.parse(wakeAt) : 0);

async function holdUntil(wakeAt: string | undefined) {
  const ms = dueAt(wakeAt) - Date.now();
  if (ms > 0 && ms <= MAX_HOLD_MS) await new Promise((resolve) => setTimeout(resolve, ms));
}
