import { and, count, desc, eq, inArray, lt, max } from 'drizzle-orm';
import type { Db } from '../client';
import {
  RUN_STATUSES,
  type RunStatus,
  type WorkflowDefinition,
  workflowRuns,
  workflows,
  workflowVersions,
} from '../schema';
import { type PageRequest, toPage } from './pagination';

/** Workflow definitions: the draft, its immutable versions, and the published one a trigger runs. */

export const insertWorkflow = (db: Db, row: typeof workflows.$inferInsert) =>
  db.insert(workflows).values(row).returning();

export async function getWorkflowByKey(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.key, key)));
  return row;
}

export async function listWorkflows(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), page.after ? lt(workflows.id, page.after) : undefined))
    .orderBy(desc(workflows.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export type RunCounts = Record<RunStatus, number>;

const noRuns = (): RunCounts => Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as RunCounts;

/**
 * How many runs each workflow has in each status, for a page of workflows in one grouped query (it walks the
 * (tenant_id, workflow_id, id) index). Every id asked for is in the answer, with zeros when it has no runs.
 */
export async function countRunsByStatus(db: Db, tenantId: string, workflowIds: string[]) {
  const counts = new Map(workflowIds.map((id) => [id, noRuns()]));
  if (workflowIds.length === 0) return counts;
  const rows = await db
    .select({ workflowId: workflowRuns.workflowId, status: workflowRuns.status, runs: count() })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.tenantId, tenantId), inArray(workflowRuns.workflowId, workflowIds)))
    .groupBy(workflowRuns.workflowId, workflowRuns.status);
  for (const row of rows) {
    const mine = counts.get(row.workflowId);
    if (mine) mine[row.status] = row.runs;
  }
  return counts;
}

export const updateWorkflow = (db: Db, tenantId: string, id: string, set: Partial<typeof workflows.$inferInsert>) =>
  db
    .update(workflows)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)))
    .returning();

/** Deletes the workflow; its versions go by cascade, its runs (no foreign key) keep their history. */
export async function deleteWorkflow(db: Db, tenantId: string, id: string) {
  await db.delete(workflows).where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)));
}

/** Newest first, a page at a time: `before` is the last version of the previous page. */
export async function listWorkflowVersions(
  db: Db,
  tenantId: string,
  workflowId: string,
  page: { limit: number; before?: number },
) {
  const rows = await db
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.tenantId, tenantId),
        eq(workflowVersions.workflowId, workflowId),
        page.before === undefined ? undefined : lt(workflowVersions.version, page.before),
      ),
    )
    .orderBy(desc(workflowVersions.version))
    .limit(page.limit + 1);
  const data = rows.slice(0, page.limit);
  return { data, next: rows.length > page.limit ? String(data.at(-1)!.version) : null };
}

export async function getWorkflowVersion(db: Db, tenantId: string, workflowId: string, version: number) {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.tenantId, tenantId),
        eq(workflowVersions.workflowId, workflowId),
        eq(workflowVersions.version, version),
      ),
    );
  return row;
}

/**
 * Freezes the draft as the next version and publishes it (one transaction). Two concurrent publishes compute the
 * same number; the second fails on the primary key and the caller answers 409.
 */
export async function publishWorkflowDraft(db: Db, tenantId: string, workflowId: string, draft: WorkflowDefinition) {
  const [current] = await db
    .select({ latest: max(workflowVersions.version) })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.workflowId, workflowId)));
  const version = (current?.latest ?? 0) + 1;
  const [, [updated]] = await db.batch([
    db.insert(workflowVersions).values({ tenantId, workflowId, version, definition: draft }),
    db
      .update(workflows)
      .set({ publishedVersion: version, updatedAt: new Date() })
      .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, workflowId)))
      .returning(),
  ]);
  return updated;
}

/** The published version of a workflow, in one query; undefined when the key is unknown or never published. */
export async function getPublishedWorkflow(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select({
      id: workflows.id,
      key: workflows.key,
      version: workflowVersions.version,
      definition: workflowVersions.definition,
    })
    .from(workflows)
    .innerJoin(
      workflowVersions,
      and(
        eq(workflowVersions.workflowId, workflows.id),
        eq(workflowVersions.tenantId, workflows.tenantId),
        eq(workflowVersions.version, workflows.publishedVersion),
      ),
    )
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.key, key)));
  return row;
}
