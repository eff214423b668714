import { listRuns } from '../../../db/queries/workflow-runs';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentRun, RunListQuery, WorkflowRunSchema } from './schema';

export const listWorkflowRunsRoute = operation({
  method: 'get',
  path: '/v1/workflow-runs',
  operationId: 'listWorkflowRuns',
  tags: ['Workflow runs'],
  summary: 'Workflow runs, newest first, filtered by workflow, subscriber and status',
  description: 'Each run with its status, pinned version and trigger data; GET one run for its timeline of steps.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('wfr').extend(RunListQuery.shape) },
  responses: { 200: json(pageOf(WorkflowRunSchema), 'A page of runs'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListWorkflowRuns(app: App) {
  app.openapi(listWorkflowRunsRoute, async (c) => {
    const { limit, after, ...filter } = c.req.valid('query');
    const page = await listRuns(c.var.db, authOf(c).tenantId, filter, { limit, after });
    return c.json({ data: page.data.map(presentRun), next: page.next }, 200);
  });
}
