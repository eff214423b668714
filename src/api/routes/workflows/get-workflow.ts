import { requireWorkflow } from '../../../domain/workflows/manage-workflows';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentWorkflow, WorkflowKeyParam, WorkflowSchema } from './schema';

export const getWorkflowRoute = operation({
  method: 'get',
  path: '/v1/workflows/{key}',
  operationId: 'getWorkflow',
  tags: ['Workflows'],
  summary: 'A workflow: its draft and published version number',
  description: 'The draft is what you edit; `publishedVersion` is what triggers run (GET …/versions shows it).',
  middleware: [requireScope('read')] as const,
  request: { params: WorkflowKeyParam },
  responses: { 200: json(WorkflowSchema, 'The workflow'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetWorkflow(app: App) {
  app.openapi(getWorkflowRoute, async (c) => {
    return c.json(presentWorkflow(await requireWorkflow(c.var.db, authOf(c).tenantId, c.req.valid('param').key)), 200);
  });
}
