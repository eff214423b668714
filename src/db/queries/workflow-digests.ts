import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { textArray } from '../sql-arrays';
import { isoUtc } from '../sql-time';
import {
  claimSql,
  fresh,
  resultOf,
  resultSql,
  type Scope,
  type StepRef,
  type StoredResult,
  scopeMatch,
} from './workflow-steps';

/** How long past its end a window waits at most for events triggered before the end that are still on their way. */
const DIGEST_HOLD_SECONDS = 60;

/**
 * Whether run `r` may still join window `w`: active at the window's step with no result there yet, same workflow,
 * subscriber and mode, reached before the window's end, and with the window's key. A key value that is not a
 * string counts as matching (its text form in SQL can differ from the engine's), so the check errs on waiting.
 */
function onItsWay(keyPath: string | undefined) {
  const segments = keyPath ? keyPath.split('.').slice(1) : null;
  const key = segments
    ? sql`(SELECT CASE WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN r.mode || ':'
              WHEN jsonb_typeof(v) = 'string' THEN r.mode || ':' || (v #>> '{}') END
           FROM (SELECT r.data #> ${textArray(segments)} AS v) k)`
    : sql`r.mode || ':'`;
  return sql`EXISTS (SELECT 1 FROM workflow_runs r
    WHERE r.tenant_id = w.tenant_id AND r.workflow_id = w.workflow_id AND r.subscriber_id = w.subscriber_id
      AND r.current_step = w.step_id AND r.status IN ('running', 'waiting') AND r.id <> w.flusher_run_id
      AND r.wake_at < w.closes_at AND coalesce(${key} = w.digest_key, r.mode = split_part(w.digest_key, ':', 1))
      AND NOT EXISTS (SELECT 1 FROM workflow_step_results s
        WHERE s.tenant_id = r.tenant_id AND s.run_id = r.id AND s.step_id = w.step_id))`;
}

export interface DigestJoin {
  windowId: string;
  /** The trigger's `data` and `actor`, as the digest lists it. */
  event: Record<string, unknown>;
  /** When the run reached the step: a window whose end is at or before it is closed, and the event opens the next. */
  at: Date;
  /** The step's `key` data path, for the check of events still on their way. */
  keyPath: string | undefined;
  closesAt: Date;
  sendFirst: boolean;
  maxEvents: number | null;
}

export interface JoinOutcome {
  result: StoredResult | null;
  /** The window's flusher when this join closed the window (maxEvents) or was the last it waited for: wake it now. */
  wake: string | null;
}

/**
 * A trigger reaching a digest step, in one transaction: the step is claimed, an expired window of this scope is
 * closed, so a late event opens the next window, and the event is upserted into the open window. The partial
 * unique index makes "open or join" atomic under any concurrency, and the row lock orders joins against the close.
 * The result says what the run does: `waiting` (it flushes the window), `completed` (a sendFirst opener, which goes on
 * at once), or `digested` (it joined, and the run ended so). A join reaching maxEvents closes the window and wakes its
 * flusher.
 */
export async function joinDigest(db: Db, ref: StepRef, scope: Scope, j: DigestJoin): Promise<JoinOutcome> {
  const w = scopeMatch('w', ref, scope, 'digest_key');
  const event = JSON.stringify(j.event);
  const [, , , , closed, , stored] = await db.batch([
    // The run's lock first, then the window's: every transaction takes them in this order, so none deadlock.
    db.execute(claimSql(ref, 'running', null, false)),
    db.execute(sql`
      UPDATE workflow_digest_windows w SET status = 'closed', closed_at = now(), updated_at = now()
      WHERE ${w} AND w.status = 'open' AND w.closes_at <= ${j.at.toISOString()}::timestamptz`),
    db.execute(sql`
      INSERT INTO workflow_digest_windows AS w (id, tenant_id, workflow_id, step_id, subscriber_id, digest_key, status,
        opener_run_id, flusher_run_id, count, events, closes_at)
      SELECT ${j.windowId}, ${ref.tenantId}, ${scope.workflowId}, ${ref.stepId}, ${scope.subscriberId}, ${scope.key},
        'open', ${ref.runId}, ${j.sendFirst ? null : ref.runId}, ${j.sendFirst ? 0 : 1},
        ${j.sendFirst ? sql`'[]'::jsonb` : sql`jsonb_build_array(${event}::jsonb)`}, ${j.closesAt.toISOString()}
      WHERE ${fresh(ref)}
      ON CONFLICT (tenant_id, workflow_id, step_id, subscriber_id, digest_key) WHERE status = 'open' DO UPDATE SET
        count = w.count + 1,
        events = CASE WHEN jsonb_array_length(w.events) < 100 THEN w.events || jsonb_build_array(${event}::jsonb)
          ELSE w.events END,
        flusher_run_id = COALESCE(w.flusher_run_id, ${ref.runId}), updated_at = now()`),
    db.execute(sql`
      UPDATE workflow_step_results s SET
        status = CASE WHEN w.flusher_run_id = ${ref.runId} THEN 'waiting'
          WHEN w.opener_run_id = ${ref.runId} THEN 'completed' ELSE 'digested' END,
        output = jsonb_build_object('windowId', w.id) || CASE WHEN w.opener_run_id = ${ref.runId}
          AND w.flusher_run_id IS DISTINCT FROM ${ref.runId}
          THEN jsonb_build_object('count', 1, 'events', jsonb_build_array(${event}::jsonb)) ELSE '{}'::jsonb END,
        finished_at = CASE WHEN w.flusher_run_id = ${ref.runId} THEN NULL ELSE now() END
      FROM workflow_digest_windows w
      WHERE ${w} AND w.status = 'open' AND s.tenant_id = ${ref.tenantId} AND s.run_id = ${ref.runId}
        AND s.step_id = ${ref.stepId} AND s.status = 'running' AND s.output IS NULL`),
    // The flusher is woken now when this join closed the window (maxEvents), or when the window's end has passed and
    // this was the last event it was waiting for (see flushDigestWindow).
    db.execute<{ flusher: string | null }>(sql`
      WITH joined AS (
        SELECT (output->>'windowId') AS id FROM workflow_step_results
        WHERE tenant_id = ${ref.tenantId} AND run_id = ${ref.runId} AND step_id = ${ref.stepId} AND finished_at = now()
      ), closed AS (
        UPDATE workflow_digest_windows w SET status = 'closed', closed_at = now(), updated_at = now()
        WHERE ${w} AND w.status = 'open' AND ${j.maxEvents ?? null}::int IS NOT NULL AND w.count >= ${j.maxEvents ?? null}::int
          AND w.id IN (SELECT id FROM joined)
        RETURNING w.tenant_id, w.flusher_run_id
      ), last AS (
        SELECT w.tenant_id, w.flusher_run_id FROM workflow_digest_windows w
        WHERE ${w} AND w.status = 'open' AND w.closes_at <= now() AND w.id IN (SELECT id FROM joined)
          AND NOT ${onItsWay(j.keyPath)}
      )
      UPDATE workflow_runs r SET wake_at = now(), enqueued_at = now(), updated_at = now()
      WHERE r.id IN (
        SELECT f.id FROM workflow_runs f JOIN (SELECT * FROM closed UNION SELECT * FROM last) c
          ON f.tenant_id = c.tenant_id AND f.id = c.flusher_run_id
        WHERE f.status IN ('running', 'waiting')
        -- Skipped when locked (a cancel, the flusher's own step): waiting here, after the window's lock, could
        -- deadlock with a cancel, and the flusher's own wake or recheck still comes.
        FOR NO KEY UPDATE OF f SKIP LOCKED)
      RETURNING r.id AS flusher`),
    // A run that joined ends `digested` here (that status has no webhook event): no round trip of its own.
    db.execute(sql`
      UPDATE workflow_runs SET status = 'digested', current_step = NULL, wake_at = NULL, finished_at = now(),
        updated_at = now()
      WHERE tenant_id = ${ref.tenantId} AND id = ${ref.runId} AND current_step = ${ref.stepId}
        AND status IN ('running', 'waiting')
        AND EXISTS (SELECT 1 FROM workflow_step_results WHERE tenant_id = ${ref.tenantId} AND run_id = ${ref.runId}
          AND step_id = ${ref.stepId} AND status = 'digested' AND finished_at = now())`),
    db.execute(resultSql(ref)),
  ]);
  return { result: resultOf(stored.rows), wake: closed.rows[0]?.flusher ?? null };
}

/** What the flusher needs to know after its flush: the digest itself went into its step's output. */
export type FlushedWindow = {
  status: 'open' | 'closed';
  closesAt: string;
};

/**
 * The flusher's wake, in one transaction: closes its window if its time has come and completes the flusher's step
 * with the digest (events in the order of their `at`: joins land in the order the queue got to them). A window
 * whose events triggered before its end are still queued (a backlog) stays open for them, up to
 * DIGEST_HOLD_SECONDS, so a busy engine never splits one window's events into two digests. Returns the window;
 * still open means woken early or waiting for those events.
 */
export async function flushDigestWindow(
  db: Db,
  ref: StepRef,
  windowId: string,
  keyPath: string | undefined,
): Promise<FlushedWindow | null> {
  const { tenantId } = ref;
  const [, , read] = await db.batch([
    db.execute(sql`
      UPDATE workflow_digest_windows w SET status = 'closed', closed_at = now(), updated_at = now()
      WHERE w.tenant_id = ${tenantId} AND w.id = ${windowId} AND w.status = 'open' AND w.closes_at <= now()
        AND (w.closes_at < now() - make_interval(secs => ${DIGEST_HOLD_SECONDS}) OR NOT ${onItsWay(keyPath)})`),
    db.execute(sql`
      UPDATE workflow_step_results s SET status = 'completed', finished_at = now(),
        output = jsonb_build_object('windowId', w.id, 'count', w.count, 'events',
          (SELECT coalesce(jsonb_agg(x.e ORDER BY x.e->>'at', x.i), '[]'::jsonb)
           FROM jsonb_array_elements(w.events) WITH ORDINALITY AS x(e, i)))
      FROM workflow_digest_windows w
      WHERE w.tenant_id = ${tenantId} AND w.id = ${windowId} AND w.status = 'closed'
        AND s.tenant_id = ${tenantId} AND s.run_id = ${ref.runId} AND s.step_id = ${ref.stepId}
        AND s.status IN ('running', 'waiting')`),
    db.execute<FlushedWindow>(sql`
      SELECT status, ${isoUtc(sql`closes_at`)} AS "closesAt"
      FROM workflow_digest_windows WHERE tenant_id = ${tenantId} AND id = ${windowId}`),
  ]);
  return read.rows[0] ?? null;
}

/** sendFirst windows nobody joined have no flusher to close them: closed here once past their end. */
export async function closeAbandonedWindows(db: Db, limit: number) {
  const result = await db.execute(sql`
    UPDATE workflow_digest_windows SET status = 'closed', closed_at = now(), updated_at = now()
    WHERE id IN (SELECT id FROM workflow_digest_windows
      WHERE status = 'open' AND flusher_run_id IS NULL AND closes_at <= now() LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  return result.rows.length;
}
