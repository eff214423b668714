import { getRunWithSteps } from '../../../db/queries/workflow-runs';
import { ApiError } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentRun, presentStep, RunIdParam, WorkflowRunWithStepsSchema } from './schema';

export const getWorkflowRunRoute = operation({
  method: 'get',
  path: '/v1/workflow-runs/{id}',
  operationId: 'getWorkflowRun',
  tags: ['Workflow runs'],
  summary: 'A run and its timeline of steps',
  description:
    "Each step the run reached: its status, when it started and finished, why (a skip, a failure), a send's " +
    "notification id, and what it produced (a digest's events, a branch's choice).",
  middleware: [requireScope('read')] as const,
  request: { params: RunIdParam },
  responses: { 200: json(WorkflowRunWithStepsSchema, 'The run'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetWorkflowRun(app: App) {
  app.openapi(getWorkflowRunRoute, async (c) => {
    const found = await getRunWithSteps(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!found) throw new ApiError('not_found', 'No such workflow run');
    return c.json({ ...presentRun(found.run), steps: found.steps.map(presentStep) }, 200);
  });
}
