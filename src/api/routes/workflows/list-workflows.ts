import { countRunsByStatus, listWorkflows } from '../../../db/queries/workflows';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentWorkflow, WorkflowListItemSchema } from './schema';

export const listWorkflowsRoute = operation({
  method: 'get',
  path: '/v1/workflows',
  operationId: 'listWorkflows',
  tags: ['Workflows'],
  summary: 'List workflows, newest first',
  description:
    'Each with its draft steps, the version triggers run, and how many of its runs are in each status. Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('wfl') },
  responses: {
    200: json(pageOf(WorkflowListItemSchema), 'A page of workflows'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListWorkflows(app: App) {
  app.openapi(listWorkflowsRoute, async (c) => {
    const { tenantId } = authOf(c);
    const page = await listWorkflows(c.var.db, tenantId, c.req.valid('query'));
    const ids = page.data.map((w) => w.id);
    const runs = await countRunsByStatus(c.var.db, tenantId, ids);
    const data = page.data.map((w) => ({ ...presentWorkflow(w), runs: runs.get(w.id)! }));
    return c.json({ data, next: page.next }, 200);
  });
}
