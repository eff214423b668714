import { publishWorkflow } from '../../../domain/workflows/manage-workflows';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, optionalJsonBody } from '../../openapi';
import { operation } from '../../operation';
import { PublishWorkflowBody, presentWorkflow, WorkflowKeyParam, WorkflowSchema } from './schema';

export const publishWorkflowRoute = operation({
  method: 'post',
  path: '/v1/workflows/{key}/publish',
  operationId: 'publishWorkflow',
  tags: ['Workflows'],
  summary: 'Freeze the draft as a new immutable version, or publish an earlier version again (rollback)',
  description:
    'With no body the draft is published as the next version; with `version`, that earlier version becomes the one triggers run. Every template a send step names must have a published version (else 422). Runs already started keep their version.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: WorkflowKeyParam,
    body: optionalJsonBody(PublishWorkflowBody, { version: 2 }),
  },
  responses: { 200: json(WorkflowSchema, 'Published'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409) },
});

export function registerPublishWorkflow(app: App) {
  app.openapi(publishWorkflowRoute, async (c) => {
    // The body is optional (`{}` or none publishes the draft); the JSON guard has already checked its syntax.
    const raw = await c.req.text();
    const parsed = PublishWorkflowBody.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw validationError(parsed.error, 'json');
    const { version } = parsed.data;
    const row = await publishWorkflow(c.var.db, authOf(c).tenantId, c.req.valid('param').key, version);
    await audit(c, {
      action: 'workflow.published',
      targetType: 'workflow',
      targetId: row.key,
      details: { version: row.publishedVersion, rollback: version !== undefined },
    });
    return c.json(presentWorkflow(row), 200);
  });
}
