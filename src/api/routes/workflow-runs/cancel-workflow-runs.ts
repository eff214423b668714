import { getSubscribersByExternalIds } from '../../../db/queries/notifications';
import { cancelRuns } from '../../../db/queries/workflow-runs';
import { getWorkflowByKey } from '../../../db/queries/workflows';
import { enqueueEmitted } from '../../../queues/enqueue-webhooks';
import { type App, appContextOf, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CanceledSchema, CancelRunsBody } from './schema';

export const cancelWorkflowRunsRoute = operation({
  method: 'post',
  path: '/v1/workflow-runs/cancel',
  operationId: 'cancelWorkflowRuns',
  tags: ['Workflow runs'],
  summary: 'Cancel every unfinished run with a cancellation key',
  description:
    'Runs waiting on a delay or a digest window, or about to run a step, end `canceled`: no step after the cancel ' +
    'sends anything. Finished runs are left as they are. Answers how many runs were canceled (0 is not an error). ' +
    'Supports Idempotency-Key.',
  middleware: [requireScope('notifications:write')] as const,
  request: {
    body: jsonBody(CancelRunsBody, { workflow: 'trial-reminder', cancellationKey: 'trial-42', to: 'user-42' }),
  },
  responses: { 200: json(CanceledSchema, 'Canceled'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCancelWorkflowRuns(app: App) {
  app.openapi(cancelWorkflowRunsRoute, async (c) => {
    const { tenantId } = authOf(c);
    const body = c.req.valid('json');
    const db = c.var.db;
    // An unknown workflow or subscriber simply has no runs to cancel.
    const workflowId = body.workflow ? ((await getWorkflowByKey(db, tenantId, body.workflow))?.id ?? null) : undefined;
    const ids = body.to === undefined ? undefined : Array.isArray(body.to) ? body.to : [body.to];
    const subscriberIds = ids ? (await getSubscribersByExternalIds(db, tenantId, ids)).map((s) => s.id) : undefined;
    if (workflowId === null || subscriberIds?.length === 0) return c.json({ canceled: 0 }, 200);
    const { canceled, emitted } = await cancelRuns(db, tenantId, {
      cancellationKey: body.cancellationKey,
      workflowId,
      subscriberIds,
    });
    await enqueueEmitted(appContextOf(c), emitted);
    return c.json({ canceled }, 200);
  });
}
