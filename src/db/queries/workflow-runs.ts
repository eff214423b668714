import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import { ENQUEUE_AHEAD_SECONDS } from '../../lib/queue-limits';
import type { Db } from '../client';
import {
  type RunStatus,
  type SubscriberRow,
  subscribers,
  type WorkflowDefinition,
  type WorkflowRunRow,
  type WorkflowStepResultRow,
  workflowRuns,
  workflowStepResults,
  workflowVersions,
} from '../schema';
import { textArray } from '../sql-arrays';
import { isoUtc } from '../sql-time';
import { type PageRequest, pageFilter, pageOrder, toPage } from './pagination';
import { type EmittedMessage, emitEvents, emittedOf } from './webhook-events';

/** A run as the trigger creates it; `wakeAt` is when the queue first advances it (now, or the trigger's sendAt). */
export interface NewRun {
  id: string;
  tenantId: string;
  workflowId: string;
  workflowKey: string;
  version: number;
  mode: 'test' | 'live';
  subscriberId: string;
  recipient: string;
  currentStep: string;
  data: Record<string, unknown>;
  actor: Record<string, unknown> | null;
  cancellationKey: string | null;
  wakeAt: string;
  /** Null when the wake is beyond the queue's reach: the due-scan cron enqueues it. */
  enqueuedAt: string | null;
  dedupeKey: string | null;
  broadcastId: string | null;
  requestId: string | null;
}

/** Inserts runs in one statement; returns the ids inserted (a dedupe key already used inserts nothing). */
export async function insertRuns(db: Db, runs: NewRun[]): Promise<Set<string>> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO workflow_runs (id, tenant_id, workflow_id, workflow_key, version, mode, subscriber_id, recipient,
      status, current_step, data, actor, cancellation_key, wake_at, enqueued_at, dedupe_key, broadcast_id, request_id)
    SELECT id, "tenantId", "workflowId", "workflowKey", version, mode, "subscriberId", recipient,
      CASE WHEN "wakeAt" > now() + interval '1 second' THEN 'waiting' ELSE 'running' END,
      "currentStep", data, actor, "cancellationKey", "wakeAt", "enqueuedAt", "dedupeKey", "broadcastId", "requestId"
    FROM jsonb_to_recordset(${JSON.stringify(runs)}::jsonb) AS x(id text, "tenantId" text, "workflowId" text,
      "workflowKey" text, version int, mode text, "subscriberId" text, recipient text, "currentStep" text,
      data jsonb, actor jsonb, "cancellationKey" text, "wakeAt" timestamptz, "enqueuedAt" timestamptz,
      "dedupeKey" text, "broadcastId" text, "requestId" text)
    ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
    RETURNING id`);
  return new Set(result.rows.map((r) => r.id));
}

/** The enqueue after a trigger failed: the due-scan cron sends these within a minute. */
export function markRunsNotEnqueued(db: Db, tenantId: string, ids: string[]) {
  return db.execute(sql`
    UPDATE workflow_runs SET enqueued_at = NULL WHERE tenant_id = ${tenantId} AND id = ANY(${textArray(ids)})`);
}

export interface LoadedRun {
  run: WorkflowRunRow;
  definition: WorkflowDefinition;
  subscriber: SubscriberRow | null;
  results: Map<string, WorkflowStepResultRow>;
}

function loadQueries(db: Db, tenantId: string, runId: string) {
  return [
    db
      .select({ run: workflowRuns, definition: workflowVersions.definition, subscriber: subscribers })
      .from(workflowRuns)
      .innerJoin(
        workflowVersions,
        and(
          eq(workflowVersions.tenantId, workflowRuns.tenantId),
          eq(workflowVersions.workflowId, workflowRuns.workflowId),
          eq(workflowVersions.version, workflowRuns.version),
        ),
      )
      .leftJoin(
        subscribers,
        and(eq(subscribers.tenantId, workflowRuns.tenantId), eq(subscribers.id, workflowRuns.subscriberId)),
      )
      .where(and(eq(workflowRuns.tenantId, tenantId), eq(workflowRuns.id, runId))),
    db
      .select()
      .from(workflowStepResults)
      .where(and(eq(workflowStepResults.tenantId, tenantId), eq(workflowStepResults.runId, runId))),
  ] as const;
}

function loadedOf(
  runs: { run: WorkflowRunRow; definition: WorkflowDefinition; subscriber: SubscriberRow | null }[],
  results: WorkflowStepResultRow[],
): LoadedRun | null {
  const row = runs[0];
  if (!row) return null;
  return { ...row, results: new Map(results.map((r) => [r.stepId, r])) };
}

/** A run with its pinned definition, its subscriber and its step results: one round trip. */
export async function loadRun(db: Db, tenantId: string, runId: string): Promise<LoadedRun | null> {
  const [runs, results] = await db.batch(loadQueries(db, tenantId, runId));
  return loadedOf(runs, results);
}

const ACTIVE = sql`status IN ('running', 'waiting')`;

/**
 * Moves the run from step `from` to `to` and reads it back, in one round trip; null if it had moved already or is
 * no longer active (another delivery of its message, a cancel).
 */
export async function moveRun(db: Db, tenantId: string, runId: string, from: string, to: string) {
  const [moved, runs, results] = await db.batch([
    db.execute(sql`
      UPDATE workflow_runs SET current_step = ${to}, status = 'running', updated_at = now()
      WHERE tenant_id = ${tenantId} AND id = ${runId} AND current_step = ${from} AND ${ACTIVE}
      RETURNING id`),
    ...loadQueries(db, tenantId, runId),
  ]);
  return moved.rows.length > 0 ? loadedOf(runs, results) : null;
}

/** Parks the run at step `at` until `wakeAt`; `enqueued` says whether a queue message for that wake was sent. */
export async function parkRun(db: Db, tenantId: string, runId: string, at: string, wakeAt: Date, enqueued: boolean) {
  const result = await db.execute(sql`
    UPDATE workflow_runs SET status = 'waiting', wake_at = ${wakeAt.toISOString()},
      enqueued_at = ${enqueued ? sql`now()` : sql`NULL`}, updated_at = now()
    WHERE tenant_id = ${tenantId} AND id = ${runId} AND current_step = ${at} AND ${ACTIVE}
    RETURNING id`);
  return result.rows.length > 0;
}

/** The event of a run that ended, from a CTE `ended` of workflow_runs rows. */
function runEvents(): SQL {
  return sql`
    SELECT e.tenant_id, 'workflow_run.' || e.status AS type, jsonb_build_object('runId', e.id,
      'workflow', e.workflow_key, 'version', e.version, 'subscriberId', e.recipient, 'status', e.status,
      'cancellationKey', e.cancellation_key, 'error', e.error, 'finishedAt', ${isoUtc(sql`e.finished_at`)}) AS data
    FROM ended e WHERE e.status IN ('completed', 'failed', 'canceled')`;
}

/**
 * Ends the run if still active at step `at` (`'anywhere'`: wherever it stands, for a dead-lettered run), with its
 * event; returns the webhook messages to enqueue.
 */
export async function endRun(
  db: Db,
  tenantId: string,
  runId: string,
  at: string | null | 'anywhere',
  status: Exclude<RunStatus, 'running' | 'waiting'>,
  error?: { code: string; message: string },
): Promise<{ ended: boolean; emitted: EmittedMessage[] }> {
  const [emitted, , check] = await db.batch([
    db.execute(
      emitEvents(
        runEvents(),
        sql`ended AS (
          UPDATE workflow_runs SET status = ${status}, current_step = NULL, wake_at = NULL, finished_at = now(),
            updated_at = now(), error = ${error ? JSON.stringify(error) : null}::jsonb
          WHERE tenant_id = ${tenantId} AND id = ${runId}
            ${at === 'anywhere' ? sql`` : at === null ? sql`AND current_step IS NULL` : sql`AND current_step = ${at}`}
            AND ${ACTIVE}
          RETURNING *)`,
      ),
    ),
    // A step still open when its run fails (dead-lettered) ends with it.
    db.execute(sql`
      UPDATE workflow_step_results SET status = 'failed', reason = ${error?.message ?? 'the run ended'}::text,
        finished_at = now()
      WHERE tenant_id = ${tenantId} AND run_id = ${runId} AND status IN ('running', 'waiting')
        AND ${status}::text = 'failed'
        AND EXISTS (SELECT 1 FROM workflow_runs WHERE tenant_id = ${tenantId} AND id = ${runId} AND finished_at = now())`),
    // In one transaction now() is constant: the row ended here, not by an earlier call, carries exactly it.
    db.execute(
      sql`SELECT 1 FROM workflow_runs WHERE tenant_id = ${tenantId} AND id = ${runId} AND finished_at = now()`,
    ),
  ]);
  return { ended: check.rows.length > 0, emitted: emittedOf(emitted) };
}

/** Which runs a cancel ends: by key (optionally one workflow's, some subscribers'), or all of one workflow's. */
export type CancelFilter =
  | { cancellationKey: string; workflowId?: string | undefined; subscriberIds?: string[] | undefined }
  | { workflowDeleted: string };

const BY_KEY = { code: 'canceled', message: 'canceled by its cancellation key' };
const DELETED = { code: 'workflow_deleted', message: 'the workflow was deleted' };

/**
 * Cancels every unfinished run the filter names, in one transaction, with their events. A step making its effect
 * holds the run's row lock, so the cancel waits for it, and every step after the cancel finds the run canceled.
 */
export async function cancelRuns(db: Db, tenantId: string, f: CancelFilter) {
  const match = (r: string) => {
    const col = (name: string) => sql.raw(`${r}.${name}`);
    if ('workflowDeleted' in f) return sql`${col('workflow_id')} = ${f.workflowDeleted}`;
    return sql`${col('cancellation_key')} = ${f.cancellationKey}
      ${f.workflowId ? sql`AND ${col('workflow_id')} = ${f.workflowId}` : sql``}
      ${f.subscriberIds ? sql`AND ${col('subscriber_id')} = ANY(${textArray(f.subscriberIds)})` : sql``}`;
  };
  const error = JSON.stringify('workflowDeleted' in f ? DELETED : BY_KEY);
  const [emitted, , counted] = await db.batch([
    db.execute(
      emitEvents(
        runEvents(),
        sql`ended AS (
          UPDATE workflow_runs w SET status = 'canceled', current_step = NULL, wake_at = NULL, finished_at = now(),
            updated_at = now(), error = ${error}::jsonb
          WHERE w.tenant_id = ${tenantId} AND ${match('w')} AND w.${ACTIVE}
          RETURNING *)`,
      ),
    ),
    // now() is the transaction's start: exactly the runs this cancel ended carry it.
    db.execute(sql`
      UPDATE workflow_step_results s SET status = 'canceled', reason = 'the run was canceled', finished_at = now()
      FROM workflow_runs r
      WHERE r.tenant_id = ${tenantId} AND ${match('r')} AND r.status = 'canceled' AND r.finished_at = now()
        AND s.tenant_id = r.tenant_id AND s.run_id = r.id AND s.status IN ('running', 'waiting')`),
    db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM workflow_runs r
      WHERE r.tenant_id = ${tenantId} AND ${match('r')} AND r.status = 'canceled' AND r.finished_at = now()`),
    // A window whose flusher was canceled will never be flushed: closed now, so the next event opens a new one.
    db.execute(sql`
      UPDATE workflow_digest_windows w SET status = 'closed', closed_at = now(), updated_at = now()
      FROM workflow_runs r
      WHERE r.tenant_id = ${tenantId} AND ${match('r')} AND r.status = 'canceled' AND r.finished_at = now()
        AND w.tenant_id = r.tenant_id AND w.flusher_run_id = r.id AND w.status = 'open'`),
  ]);
  return { canceled: counted.rows[0]?.n ?? 0, emitted: emittedOf(emitted) };
}

/**
 * Runs the queue must advance now: wakes due within the enqueue horizon that have no message, and wakes long past
 * whose message was lost. Claimed with SKIP LOCKED and marked enqueued in one statement.
 */
export async function claimDueRuns(db: Db, limit: number) {
  const result = await db.execute<{ id: string; tenant_id: string; wake_at: string }>(sql`
    UPDATE workflow_runs SET enqueued_at = now()
    WHERE id IN (
      SELECT id FROM workflow_runs
      WHERE ${ACTIVE} AND wake_at <= now() + ${ENQUEUE_AHEAD_SECONDS}::int * interval '1 second'
        AND (enqueued_at IS NULL OR (enqueued_at < now() - interval '5 minutes' AND wake_at < now() - interval '5 minutes'))
      ORDER BY wake_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, tenant_id, ${isoUtc(sql`wake_at`)} AS wake_at`);
  return result.rows;
}

/** Makes a parked run due now (its digest window closed early); the caller enqueues it, the cron if that fails. */
export function wakeNow(db: Db, tenantId: string, runId: string) {
  return db.execute(sql`
    UPDATE workflow_runs SET wake_at = now(), enqueued_at = now(), updated_at = now()
    WHERE tenant_id = ${tenantId} AND id = ${runId} AND ${ACTIVE}`);
}

export interface RunFilter {
  workflow?: string | undefined;
  subscriber?: string | undefined;
  status?: RunStatus | undefined;
}

/** Runs newest first; filters by workflow key, subscriber externalId and status. */
export async function listRuns(db: Db, tenantId: string, f: RunFilter, page: PageRequest) {
  const rows = await db
    .select()
    .from(workflowRuns)
    .where(
      and(
        eq(workflowRuns.tenantId, tenantId),
        f.workflow ? eq(workflowRuns.workflowKey, f.workflow) : undefined,
        f.subscriber ? eq(workflowRuns.recipient, f.subscriber) : undefined,
        f.status ? eq(workflowRuns.status, f.status) : undefined,
        pageFilter(workflowRuns.id, page),
      ),
    )
    .orderBy(pageOrder(workflowRuns.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

/** A run and its step results in the order they started. */
export async function getRunWithSteps(db: Db, tenantId: string, runId: string) {
  const [runs, steps] = await db.batch([
    db
      .select()
      .from(workflowRuns)
      .where(and(eq(workflowRuns.tenantId, tenantId), eq(workflowRuns.id, runId))),
    db
      .select()
      .from(workflowStepResults)
      .where(and(eq(workflowStepResults.tenantId, tenantId), eq(workflowStepResults.runId, runId)))
      .orderBy(asc(workflowStepResults.startedAt), asc(workflowStepResults.stepId)),
  ]);
  return runs[0] ? { run: runs[0], steps } : null;
}
