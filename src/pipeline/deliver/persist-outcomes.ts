import type { AppContext } from '../../context';
import { isDatabaseUnavailable } from '../../db/errors';
import { type Outcome, recordOutcomes } from '../../db/queries/pipeline';
import { retryWhileDatabaseUnavailable } from '../../db/retry-unavailable';
import { appendedChanges, publishInboxChanges } from '../../domain/inbox/publish';
import { mapWithConcurrency } from '../../lib/concurrency';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';

type RecordResult = Awaited<ReturnType<typeof recordOutcomes>>;

/**
 * Writes the batch's outcomes, then emits their events and relays new inbox messages. The provider calls already
 * happened, so the outcomes must be written even through a short database outage: giving up here would leave rows
 * `sending` and, after the stale-claim timeout, send them a second time.
 */
export async function persistOutcomes(ctx: AppContext, outcomes: Outcome[]) {
  const results = await recordAll(ctx, outcomes);
  await Promise.all([
    enqueueEmitted(
      ctx,
      results.flatMap((r) => r.emitted),
    ),
    publishInboxChanges(ctx.env, ctx.log, appendedChanges(results.flatMap((r) => r.inbox))),
  ]);
}

const record = (ctx: AppContext, list: Outcome[]) =>
  retryWhileDatabaseUnavailable(ctx.log, 'recording outcomes', () => recordOutcomes(ctx.db, list));

/** The whole batch in one write; if a row breaks it, each outcome alone. */
async function recordAll(ctx: AppContext, outcomes: Outcome[]): Promise<RecordResult[]> {
  try {
    return [await record(ctx, outcomes)];
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw err;
    // One bad row (a constraint the batch did not foresee) must not hold back the outcomes of the whole batch:
    // their provider calls have happened, and an unrecorded one would be repeated after the stale-claim timeout.
    ctx.log.error('recording the batch failed; recording its outcomes one by one', { err, size: outcomes.length });
    return mapWithConcurrency(outcomes, 4, (o) => recordOne(ctx, o));
  }
}

/** One outcome; if even that fails, its status alone. */
async function recordOne(ctx: AppContext, o: Outcome): Promise<RecordResult> {
  try {
    return await record(ctx, [o]);
  } catch (one) {
    if (isDatabaseUnavailable(one)) throw one;
    // The status at least, without the extras (attempt rows, inbox, sandbox, suppression, fallback, provider health)
    // that failed.
    ctx.log.error('recording an outcome failed; recording its status alone', {
      err: one,
      deliveryId: o.deliveryId,
    });
    const { inbox: _i, sandbox: _s, suppress: _p, fallback: _f, links: _l, health: _h, ...bare } = o;
    return record(ctx, [{ ...bare, attempts: [] }]);
  }
}
