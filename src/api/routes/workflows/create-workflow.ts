import { createWorkflow } from '../../../domain/workflows/manage-workflows';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CreateWorkflowBody, EXAMPLE_STEPS, presentWorkflow, WorkflowSchema } from './schema';

export const createWorkflowRoute = operation({
  method: 'post',
  path: '/v1/workflows',
  operationId: 'createWorkflow',
  tags: ['Workflows'],
  summary: 'Create a workflow (as a draft; publish it to trigger it)',
  description:
    'Steps are checked when saved: each problem is a 422 naming the step and the field. A send step may name a template that is not published yet, but publishing the workflow needs it published.',
  middleware: [requireScope('admin')] as const,
  request: {
    body: jsonBody(CreateWorkflowBody, {
      key: 'new-comment',
      name: 'New comment',
      description: 'In-app at once, then an email an hour later if still unread',
      category: 'comments',
      steps: EXAMPLE_STEPS,
    }),
  },
  responses: { 201: json(WorkflowSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateWorkflow(app: App) {
  app.openapi(createWorkflowRoute, async (c) => {
    const row = await createWorkflow(c.var.db, authOf(c).tenantId, c.req.valid('json'));
    await audit(c, { action: 'workflow.created', targetType: 'workflow', targetId: row.key });
    return c.json(presentWorkflow(row), 201);
  });
}
