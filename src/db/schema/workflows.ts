import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

/**
 * A workflow definition as stored: the draft, and each published version frozen as-is. The step shapes are
 * validated by domain/workflows/definition.ts; the database keeps them as JSON.
 */
export interface WorkflowDefinition {
  name: string;
  description?: string;
  category?: string;
  steps: Record<string, unknown>[];
}

export const workflows = pgTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    draft: jsonb('draft').$type<WorkflowDefinition>().notNull(),
    /** The version triggers run; null until first published. */
    publishedVersion: integer('published_version'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('workflows_tenant_key_uq').on(t.tenantId, t.key),
    index('workflows_tenant_id_idx').on(t.tenantId, t.id),
  ],
);

export const workflowVersions = pgTable(
  'workflow_versions',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<WorkflowDefinition>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.version] })],
);

export const RUN_STATUSES = ['running', 'waiting', 'completed', 'canceled', 'digested', 'throttled', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Runs in these states still have steps ahead: cancellable, and advanced by the workflows queue. */
export const ACTIVE_RUN_STATUSES = ['running', 'waiting'] as const;

/**
 * One trigger of a workflow for one subscriber. It is pinned to the version it started with; `current_step` is
 * the id of the step to run next (null once finished). `wake_at` is when the queue or the due-scan cron must next
 * advance it, `enqueued_at` when a queue message for that wake was sent (null: the cron sends it).
 */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** No foreign key: a run's history outlives its workflow's deletion. */
    workflowId: text('workflow_id').notNull(),
    workflowKey: text('workflow_key').notNull(),
    version: integer('version').notNull(),
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    subscriberId: text('subscriber_id').notNull(),
    /** The subscriber's externalId at trigger time (what `to` named). */
    recipient: text('recipient').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    currentStep: text('current_step'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    actor: jsonb('actor').$type<Record<string, unknown>>(),
    cancellationKey: text('cancellation_key'),
    wakeAt: tstz('wake_at'),
    enqueuedAt: tstz('enqueued_at'),
    /** Why it failed, or why it was canceled. */
    error: jsonb('error').$type<{ code: string; message: string }>(),
    /** Created by a topic trigger's fan-out (or an Idempotency-free repeat of it): makes that creation exactly-once. */
    broadcastId: text('broadcast_id'),
    dedupeKey: text('dedupe_key'),
    requestId: text('request_id'),
    finishedAt: tstz('finished_at'),
    ...timestamps,
  },
  (t) => [
    index('workflow_runs_tenant_id_idx').on(t.tenantId, t.id),
    index('workflow_runs_tenant_workflow_idx').on(t.tenantId, t.workflowId, t.id),
    index('workflow_runs_tenant_subscriber_idx').on(t.tenantId, t.subscriberId, t.id),
    index('workflow_runs_cancel_idx')
      .on(t.tenantId, t.cancellationKey)
      .where(sql`cancellation_key IS NOT NULL AND status IN ('running', 'waiting')`),
    // A digest flush's check for events still on their way to its window: active runs at a step, per subscriber.
    index('workflow_runs_at_step_idx')
      .on(t.tenantId, t.workflowId, t.subscriberId, t.currentStep)
      .where(sql`status IN ('running', 'waiting')`),
    // The due-scan cron's work list: active runs by wake time.
    index('workflow_runs_due_idx').on(t.wakeAt).where(sql`status IN ('running', 'waiting')`),
    uniqueIndex('workflow_runs_dedupe_idx').on(t.tenantId, t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
  ],
);

export const STEP_RESULT_STATUSES = [
  'running',
  'waiting',
  'completed',
  'skipped',
  'failed',
  'canceled',
  'digested',
  'throttled',
] as const;
export type StepResultStatus = (typeof STEP_RESULT_STATUSES)[number];

/**
 * What one step did in one run. The primary key (run, step) is the exactly-once guard: a step's effect (a
 * notification, a digest join, a throttle count) is made in the same statement that inserts this row.
 */
export const workflowStepResults = pgTable(
  'workflow_step_results',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    runId: text('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    stepId: text('step_id').notNull(),
    type: text('type').notNull(),
    status: text('status', { enum: STEP_RESULT_STATUSES }).notNull(),
    reason: text('reason'),
    notificationId: text('notification_id'),
    /** Per type: a delay's wakeAt, a digest's window/count/events, a branch's chosen index, a throttle's count. */
    output: jsonb('output').$type<Record<string, unknown>>(),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

/**
 * An open or closed digest window. At most one open window per (tenant, workflow, step, subscriber, key): the
 * partial unique index is the serial point every joining trigger upserts against, so concurrent triggers either
 * open it once or join it, and a join and the close are ordered by the row lock.
 */
export const workflowDigestWindows = pgTable(
  'workflow_digest_windows',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id').notNull(),
    stepId: text('step_id').notNull(),
    subscriberId: text('subscriber_id').notNull(),
    digestKey: text('digest_key').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    /** The run whose trigger opened it (with sendFirst it went on at once, outside the digest). */
    openerRunId: text('opener_run_id').notNull(),
    /** The run that continues with the digest when the window closes (with sendFirst: the first joiner). */
    flusherRunId: text('flusher_run_id'),
    /** Events counted in the digest (with sendFirst, the first one, already sent, is not among them). */
    count: integer('count').notNull(),
    /** The joined triggers' data and actor, oldest first, at most 100 kept. */
    events: jsonb('events').$type<Record<string, unknown>[]>().notNull(),
    closesAt: tstz('closes_at').notNull(),
    closedAt: tstz('closed_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('workflow_digest_windows_open_uq')
      .on(t.tenantId, t.workflowId, t.stepId, t.subscriberId, t.digestKey)
      .where(sql`status = 'open'`),
    index('workflow_digest_windows_due_idx').on(t.closesAt).where(sql`status = 'open'`),
  ],
);

/** A throttle's current window per (tenant, workflow, step, subscriber, key): a counter that starts with the first run. */
export const workflowThrottles = pgTable(
  'workflow_throttles',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id').notNull(),
    stepId: text('step_id').notNull(),
    subscriberId: text('subscriber_id').notNull(),
    throttleKey: text('throttle_key').notNull(),
    count: integer('count').notNull(),
    windowEndsAt: tstz('window_ends_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.workflowId, t.stepId, t.subscriberId, t.throttleKey] })],
);

export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowRunRow = typeof workflowRuns.$inferSelect;
export type WorkflowStepResultRow = typeof workflowStepResults.$inferSelect;
