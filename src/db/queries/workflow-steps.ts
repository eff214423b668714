import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { StepResultStatus, WorkflowStepResultRow } from '../schema';
import { textArray } from '../sql-arrays';

/**
 * A step's effect and its step-result row are written in one transaction, and the row's primary key (run, step)
 * lets only the first writer through: whatever the queue redelivers, a notification, a digest join or a throttle
 * count happens once per (run, step). Every claim locks the run (`FOR NO KEY UPDATE`) at the step it claims, so a
 * cancel (which updates the run) is ordered before or after the whole effect, never in the middle of it, and two
 * deliveries of one message queue up on the run instead of deadlocking when a step also updates it.
 */

export interface StepRef {
  tenantId: string;
  runId: string;
  stepId: string;
  type: string;
}

/** Inserts the step's result if the run is active at this step and none exists yet; SQL for use in a batch. */
export function claimSql(
  ref: StepRef,
  status: StepResultStatus,
  output: Record<string, unknown> | null,
  final: boolean,
  reason: string | null = null,
) {
  return sql`
    INSERT INTO workflow_step_results (tenant_id, run_id, step_id, type, status, reason, output, finished_at)
    SELECT r.tenant_id, r.id, ${ref.stepId}::text, ${ref.type}::text, ${status}::text, ${reason}::text,
      ${output ? JSON.stringify(output) : null}::jsonb,
      ${final ? sql`now()` : sql`NULL`}
    FROM workflow_runs r
    WHERE r.tenant_id = ${ref.tenantId} AND r.id = ${ref.runId} AND r.current_step = ${ref.stepId}
      AND r.status IN ('running', 'waiting')
    FOR NO KEY UPDATE
    ON CONFLICT (run_id, step_id) DO NOTHING
    RETURNING step_id`;
}

export const resultSql = (ref: StepRef) => sql`
  SELECT to_jsonb(x) AS result FROM workflow_step_results x
  WHERE x.tenant_id = ${ref.tenantId} AND x.run_id = ${ref.runId} AND x.step_id = ${ref.stepId}`;

/** The stored result after a claim: the one just written, or the one a previous delivery of the message wrote. */
export type StoredResult = Pick<WorkflowStepResultRow, 'status' | 'output' | 'notificationId' | 'reason'>;

export function resultOf(rows: unknown[]): StoredResult | null {
  const row = (rows[0] as { result?: Record<string, unknown> } | undefined)?.result;
  if (!row) return null;
  return {
    status: row.status as StepResultStatus,
    output: (row.output as Record<string, unknown> | null) ?? null,
    notificationId: (row.notification_id as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
  };
}

/** Claims the step with a result; returns the stored result (null: the run is no longer at this step). */
export async function claimStep(
  db: Db,
  ref: StepRef,
  status: StepResultStatus,
  output: Record<string, unknown> | null = null,
  final = false,
  reason: string | null = null,
): Promise<StoredResult | null> {
  const [, stored] = await db.batch([
    db.execute(claimSql(ref, status, output, final, reason)),
    db.execute(resultSql(ref)),
  ]);
  return resultOf(stored.rows);
}

/** Moves a claimed step to its final status; answers whether its run is still active (not canceled meanwhile). */
export async function finishStep(
  db: Db,
  ref: StepRef,
  done: { status: StepResultStatus; reason?: string | null; notificationId?: string | null; output?: unknown },
): Promise<boolean> {
  const [, , run] = await db.batch([
    db.execute(sql`
      UPDATE workflow_step_results SET status = ${done.status}::text, reason = ${done.reason ?? null}::text,
        notification_id = COALESCE(${done.notificationId ?? null}::text, notification_id),
        output = COALESCE(${done.output === undefined ? null : JSON.stringify(done.output)}::jsonb, output),
        finished_at = now()
      WHERE tenant_id = ${ref.tenantId} AND run_id = ${ref.runId} AND step_id = ${ref.stepId}
        AND status IN ('running', 'waiting')`),
    // A send whose run was canceled meanwhile still records the notification it made (its step stays canceled).
    db.execute(sql`
      UPDATE workflow_step_results SET notification_id = ${done.notificationId ?? null}::text
      WHERE tenant_id = ${ref.tenantId} AND run_id = ${ref.runId} AND step_id = ${ref.stepId}
        AND status = 'canceled' AND notification_id IS NULL AND ${done.notificationId ?? null}::text IS NOT NULL`),
    db.execute(sql`
      SELECT 1 FROM workflow_runs WHERE tenant_id = ${ref.tenantId} AND id = ${ref.runId}
        AND status IN ('running', 'waiting')`),
  ]);
  return run.rows.length > 0;
}

/** Where a throttle or digest keeps its state: one row per (tenant, workflow, step, subscriber, key). */
export interface Scope {
  workflowId: string;
  subscriberId: string;
  key: string;
}

export const fresh = (ref: StepRef) => sql`EXISTS (SELECT 1 FROM workflow_step_results
  WHERE tenant_id = ${ref.tenantId} AND run_id = ${ref.runId} AND step_id = ${ref.stepId}
    AND status = 'running' AND output IS NULL)`;

/**
 * Counts the run against the throttle's window (a window starts with the first run after the last one ended) and
 * records `completed` or `throttled`: claim, count and verdict in one transaction.
 */
export async function countThrottle(db: Db, ref: StepRef, scope: Scope, limit: number, windowSeconds: number) {
  const [, , , stored] = await db.batch([
    db.execute(claimSql(ref, 'running', null, false)),
    db.execute(sql`
      INSERT INTO workflow_throttles AS t (tenant_id, workflow_id, step_id, subscriber_id, throttle_key, count, window_ends_at)
      SELECT ${ref.tenantId}, ${scope.workflowId}, ${ref.stepId}, ${scope.subscriberId}, ${scope.key}, 1,
        now() + make_interval(secs => ${windowSeconds}::double precision)
      WHERE ${fresh(ref)}
      ON CONFLICT (tenant_id, workflow_id, step_id, subscriber_id, throttle_key) DO UPDATE SET
        count = CASE WHEN t.window_ends_at <= now() THEN 1 ELSE t.count + 1 END,
        window_ends_at = CASE WHEN t.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE t.window_ends_at END`),
    db.execute(sql`
      UPDATE workflow_step_results s SET
        status = CASE WHEN t.count <= ${limit}::int THEN 'completed' ELSE 'throttled' END,
        reason = CASE WHEN t.count <= ${limit}::int THEN NULL ELSE 'over the limit of ' || ${limit}::int::text || ' in the window' END,
        output = jsonb_build_object('count', t.count, 'limit', ${limit}::int), finished_at = now()
      FROM workflow_throttles t
      WHERE ${scopeMatch('t', ref, scope, 'throttle_key')} AND s.tenant_id = ${ref.tenantId} AND s.run_id = ${ref.runId}
        AND s.step_id = ${ref.stepId} AND s.status = 'running' AND s.output IS NULL`),
    db.execute(resultSql(ref)),
  ]);
  return resultOf(stored.rows);
}

/** The state row of `scope` under `alias` (its key column named `keyColumn`). */
export function scopeMatch(alias: string, ref: StepRef, scope: Scope, keyColumn: string): SQL {
  const a = sql.raw(alias);
  return sql`${a}.tenant_id = ${ref.tenantId} AND ${a}.workflow_id = ${scope.workflowId} AND ${a}.step_id = ${ref.stepId}
    AND ${a}.subscriber_id = ${scope.subscriberId} AND ${a}.${sql.raw(keyColumn)} = ${scope.key}`;
}

/** A send step's notification as later steps see it: its delivery's status and the engagement so far. */
export type SendState = {
  notificationId: string;
  status: string;
  seen: boolean;
  read: boolean;
  opened: boolean;
  clicked: boolean;
};

/** One round trip for every send step of a run; the first delivery's status, flags over all deliveries. */
export async function sendStates(db: Db, tenantId: string, notificationIds: string[]): Promise<SendState[]> {
  if (notificationIds.length === 0) return [];
  const result = await db.execute<SendState>(sql`
    SELECT d.notification_id AS "notificationId",
      (array_agg(d.status ORDER BY d.id))[1] AS status,
      bool_or(i.seen_at IS NOT NULL OR i.read_at IS NOT NULL) AS seen,
      bool_or(i.read_at IS NOT NULL) AS read,
      bool_or(d.first_opened_at IS NOT NULL) AS opened,
      bool_or(d.first_clicked_at IS NOT NULL) AS clicked
    FROM deliveries d LEFT JOIN inbox_messages i ON i.id = d.id AND i.tenant_id = d.tenant_id
    WHERE d.tenant_id = ${tenantId} AND d.notification_id = ANY(${textArray(notificationIds)})
    GROUP BY d.notification_id`);
  return result.rows;
}

/** The notification a send step made on an earlier delivery of the message (found by its dedupe key). */
export async function notificationByDedupeKey(db: Db, tenantId: string, dedupeKey: string) {
  const result = await db.execute<{ id: string }>(sql`
    SELECT id FROM notifications WHERE tenant_id = ${tenantId} AND dedupe_key = ${dedupeKey}`);
  return result.rows[0]?.id ?? null;
}
