import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { loadTemplatesByKeys } from '../../db/queries/templates';
import { cancelRuns } from '../../db/queries/workflow-runs';
import {
  deleteWorkflow,
  getPublishedWorkflow,
  getWorkflowByKey,
  getWorkflowVersion,
  insertWorkflow,
  listWorkflowVersions,
  publishWorkflowDraft,
  updateWorkflow,
} from '../../db/queries/workflows';
import type { WorkflowDefinition } from '../../db/schema';
import { ApiError, type ErrorDetail, notFound } from '../../errors';
import { newId } from '../../lib/ids';
import { templateSends } from './definition';

/** A definition as a body gives it: optional fields absent or null mean "none". */
interface DefinitionInput {
  name: string;
  description?: string | null | undefined;
  category?: string | null | undefined;
  steps: unknown[];
}

const definitionOf = (input: DefinitionInput): WorkflowDefinition => ({
  name: input.name,
  ...(input.description == null ? {} : { description: input.description }),
  ...(input.category == null ? {} : { category: input.category }),
  steps: input.steps as Record<string, unknown>[],
});

/**
 * The send steps' templates must exist when a definition is saved, and be published when it is published, or every
 * run would fail at that step. `at` prefixes each detail's path (`body.steps`, `draft.steps`, `version.steps`); only
 * the caller's tenant is searched, so another tenant's template is as unknown as one nobody has.
 */
async function requireTemplates(db: Db, tenantId: string, steps: unknown[], at: string, published: boolean) {
  const sends = templateSends(steps);
  if (sends.length === 0) return;
  const rows = await loadTemplatesByKeys(db, tenantId, [...new Set(sends.map((s) => s.template))]);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const problems: ErrorDetail[] = sends.flatMap(({ id, template, path }) => {
    const row = byKey.get(template);
    const where = `${at}.${path.join('.')}.template`;
    if (!row) {
      return [{ path: where, message: `step '${id}': no template '${template}'`, code: 'unknown_template' }];
    }
    if (published && row.publishedVersion === null) {
      const message = `step '${id}': template '${template}' has no published version: publish it first`;
      return [{ path: where, message, code: 'template_not_published' }];
    }
    return [];
  });
  if (problems.length > 0) {
    throw new ApiError('validation_failed', problems.map((p) => p.message).join('; '), problems);
  }
}

export async function createWorkflow(db: Db, tenantId: string, input: DefinitionInput & { key: string }) {
  const { key, ...definition } = input;
  await requireTemplates(db, tenantId, definition.steps, 'body.steps', false);
  try {
    const [row] = await insertWorkflow(db, { id: newId('wfl'), tenantId, key, draft: definitionOf(definition) });
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError('conflict', `A workflow with key '${key}' already exists`);
    throw err;
  }
}

export async function requireWorkflow(db: Db, tenantId: string, key: string) {
  const row = await getWorkflowByKey(db, tenantId, key);
  if (!row) throw notFound('Workflow');
  return row;
}

/** Edits change the draft only; triggers keep running the published version, and runs their own pinned one. */
export async function editWorkflow(db: Db, tenantId: string, key: string, patch: Partial<DefinitionInput>) {
  const row = await requireWorkflow(db, tenantId, key);
  if (patch.steps) await requireTemplates(db, tenantId, patch.steps, 'body.steps', false);
  const draft = definitionOf({
    name: patch.name ?? row.draft.name,
    description: 'description' in patch ? patch.description : row.draft.description,
    category: 'category' in patch ? patch.category : row.draft.category,
    steps: patch.steps ?? row.draft.steps,
  });
  const [updated] = await updateWorkflow(db, tenantId, row.id, { draft });
  return updated!;
}

/** Without a version: freeze the draft as a new immutable version. With one: publish that version again (rollback). */
export async function publishWorkflow(db: Db, tenantId: string, key: string, version: number | undefined) {
  const row = await requireWorkflow(db, tenantId, key);
  if (version !== undefined) {
    const frozen = await getWorkflowVersion(db, tenantId, row.id, version);
    if (!frozen) throw notFound(`Version ${version}`);
    await requireTemplates(db, tenantId, frozen.definition.steps, 'version.steps', true);
    const [updated] = await updateWorkflow(db, tenantId, row.id, { publishedVersion: version });
    return updated!;
  }
  await requireTemplates(db, tenantId, row.draft.steps, 'draft.steps', true);
  try {
    return (await publishWorkflowDraft(db, tenantId, row.id, row.draft)) ?? row;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('conflict', 'Another publish of this workflow is in progress; retry');
    throw err;
  }
}

export async function workflowVersions(
  db: Db,
  tenantId: string,
  key: string,
  page: { limit: number; before?: number | undefined },
) {
  const row = await requireWorkflow(db, tenantId, key);
  const versions = await listWorkflowVersions(db, tenantId, row.id, {
    limit: page.limit,
    ...(page.before === undefined ? {} : { before: page.before }),
  });
  return { workflow: row, ...versions };
}

/**
 * Deletes a workflow. Its unfinished runs are canceled first (with their `workflow_run.canceled` events): with
 * their versions gone they could not go on. Returns the events' webhook messages to enqueue.
 */
export async function removeWorkflow(db: Db, tenantId: string, key: string) {
  const row = await requireWorkflow(db, tenantId, key);
  const { emitted } = await cancelRuns(db, tenantId, { workflowDeleted: row.id });
  await deleteWorkflow(db, tenantId, row.id);
  return emitted;
}

/** What a trigger runs: the published version of `key`, or null when the workflow is unknown or never published. */
export async function loadPublishedWorkflow(
  db: Db,
  tenantId: string,
  key: string,
): Promise<{ id: string; key: string; version: number; definition: WorkflowDefinition } | null> {
  return (await getPublishedWorkflow(db, tenantId, key)) ?? null;
}
