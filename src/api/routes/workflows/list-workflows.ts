import { listWorkflows } from '../../../db/queries/workflows';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentWorkflow, WorkflowSchema } from './schema';

export const listWorkflowsRoute = operation({
  method: 'get',
  path: '/v1/workflows',
  operationId: 'listWorkflows',
  tags: ['Workflows'],
  summary: 'List workflows, newest first',
  description: 'Each with its draft steps and the version triggers run. Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('wfl') },
  responses: { 200: json(pageOf(WorkflowSchema), 'A page of workflows'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListWorkflows(app: App) {
  app.openapi(listWorkflowsRoute, async (c) => {
    const page = await listWorkflows(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentWorkflow), next: page.next }, 200);
  });
}
