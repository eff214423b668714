import { workflowVersions } from '../../../domain/workflows/manage-workflows';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, versionPageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentWorkflowVersion, WorkflowKeyParam, WorkflowVersionSchema } from './schema';

export const listWorkflowVersionsRoute = operation({
  method: 'get',
  path: '/v1/workflows/{key}/versions',
  operationId: 'listWorkflowVersions',
  tags: ['Workflows'],
  summary: 'Every published version, newest first',
  description: 'Each version is the immutable definition that was published; `published` marks the one triggers run.',
  middleware: [requireScope('read')] as const,
  request: { params: WorkflowKeyParam, query: versionPageQuery() },
  responses: {
    200: json(pageOf(WorkflowVersionSchema), 'A page of versions'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerListWorkflowVersions(app: App) {
  app.openapi(listWorkflowVersionsRoute, async (c) => {
    const { limit, after } = c.req.valid('query');
    const page = await workflowVersions(c.var.db, authOf(c).tenantId, c.req.valid('param').key, {
      limit,
      before: after === undefined ? undefined : Number(after),
    });
    const published = page.workflow.publishedVersion;
    return c.json({ data: page.data.map((v) => presentWorkflowVersion(v, published)), next: page.next }, 200);
  });
}
