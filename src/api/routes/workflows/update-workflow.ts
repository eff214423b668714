import { editWorkflow } from '../../../domain/workflows/manage-workflows';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentWorkflow, UpdateWorkflowBody, WorkflowKeyParam, WorkflowSchema } from './schema';

export const updateWorkflowRoute = operation({
  method: 'patch',
  path: '/v1/workflows/{key}',
  operationId: 'updateWorkflow',
  tags: ['Workflows'],
  summary: 'Edit the draft (triggers keep the published version until the next publish)',
  description:
    'Only the fields sent change; `null` clears `description` or `category`; `steps` replaces every step. Runs already started keep the version they started with.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: WorkflowKeyParam,
    body: jsonBody(UpdateWorkflowBody, { name: 'New comment (v2)', category: null }),
  },
  responses: { 200: json(WorkflowSchema, 'Updated draft'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateWorkflow(app: App) {
  app.openapi(updateWorkflowRoute, async (c) => {
    const patch = c.req.valid('json');
    const row = await editWorkflow(c.var.db, authOf(c).tenantId, c.req.valid('param').key, patch);
    await audit(c, {
      action: 'workflow.updated',
      targetType: 'workflow',
      targetId: row.key,
      details: { fields: Object.keys(patch) },
    });
    return c.json(presentWorkflow(row), 200);
  });
}
