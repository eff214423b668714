import { removeWorkflow } from '../../../domain/workflows/manage-workflows';
import { enqueueEmitted } from '../../../queues/enqueue-webhooks';
import { audit } from '../../audit';
import { type App, appContextOf, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { WorkflowKeyParam } from './schema';

export const deleteWorkflowRoute = operation({
  method: 'delete',
  path: '/v1/workflows/{key}',
  operationId: 'deleteWorkflow',
  tags: ['Workflows'],
  summary: 'Delete a workflow and its versions, canceling its unfinished runs',
  description:
    'Runs still running or waiting end `canceled` (error `workflow_deleted`) in the same transaction; finished runs keep their history.',
  middleware: [requireScope('admin')] as const,
  request: { params: WorkflowKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerDeleteWorkflow(app: App) {
  app.openapi(deleteWorkflowRoute, async (c) => {
    const { key } = c.req.valid('param');
    const emitted = await removeWorkflow(c.var.db, authOf(c).tenantId, key);
    await enqueueEmitted(appContextOf(c), emitted);
    await audit(c, { action: 'workflow.deleted', targetType: 'workflow', targetId: key });
    return c.body(null, 204);
  });
}
