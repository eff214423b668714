import { startWorkflowBroadcast } from '../../../domain/broadcasts/workflow-broadcast';
import { loadPublishedWorkflow } from '../../../domain/workflows/manage-workflows';
import {
  resolveSubscribers,
  startRuns,
  type TriggerRecipient,
  triggerProblems,
  triggerRefused,
} from '../../../domain/workflows/trigger';
import { ApiError } from '../../../errors';
import { urlPolicyFor } from '../../../lib/ssrf-guard';
import { type App, authOf } from '../../context';
import { demandScope, requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { acceptContext } from '../notifications/send-notification';
import { channelUrlProblems } from '../subscribers/schema';
import { WorkflowKeyParam } from '../workflows/schema';
import { TriggeredSchema, TriggerWorkflowBody } from './schema';

export const triggerWorkflowRoute = operation({
  method: 'post',
  path: '/v1/workflows/{key}/trigger',
  operationId: 'triggerWorkflow',
  tags: ['Workflow runs'],
  summary: 'Start the published workflow for one or more subscribers, or a topic',
  description:
    'Each subscriber gets a run pinned to the published version; runs are durable before the 202. A topic is fanned ' +
    'out in chunks (the answer names the broadcast). A recipient given as `{ id, email, … }` is identified inline: ' +
    'created or merged like PUT /v1/subscribers/{id}, which also needs `subscribers:write`. An unknown or ' +
    'unpublished workflow, an unknown subscriber id, or data missing a variable a step template requires is a 422 ' +
    'and nothing is started. Supports Idempotency-Key.',
  middleware: [requireScope('notifications:write')] as const,
  request: {
    params: WorkflowKeyParam,
    body: jsonBody(TriggerWorkflowBody, {
      to: 'user-42',
      data: { threadId: 't-9', comment: 'Looks good' },
      actor: { name: 'Sam' },
      cancellationKey: 'thread-t-9',
    }),
  },
  responses: { 202: json(TriggeredSchema, 'Started'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerTriggerWorkflow(app: App) {
  app.openapi(triggerWorkflowRoute, async (c) => {
    const ctx = acceptContext(c);
    const { key } = c.req.valid('param');
    const body = c.req.valid('json');
    const wf = await loadPublishedWorkflow(ctx.db, ctx.tenantId, key);
    if (!wf) {
      throw triggerRefused([
        {
          path: 'key',
          message: `no published workflow '${key}': create and publish it first`,
          code: 'unknown_workflow',
        },
      ]);
    }
    const input = {
      data: body.data ?? {},
      actor: body.actor ?? null,
      cancellationKey: body.cancellationKey ?? null,
      sendAt: body.sendAt ?? null,
    };
    const problems = await triggerProblems(ctx, wf, input);
    if (problems.length) throw triggerRefused(problems);
    if (typeof body.to === 'object' && 'topic' in body.to) {
      const broadcast = await startWorkflowBroadcast(ctx, wf, body.to.topic, input);
      return c.json({ workflow: wf.key, version: wf.version, runs: [], broadcastId: broadcast.id }, 202);
    }
    const recipients = Array.isArray(body.to) ? body.to : [body.to];
    identifyInlineAllowed(c, recipients);
    const subscribers = await resolveSubscribers(ctx, recipients);
    const runs = await startRuns(ctx, wf, input, subscribers);
    return c.json({ workflow: wf.key, version: wf.version, runs, broadcastId: null }, 202);
  });
}

/** Inline profiles write subscribers: the key needs that scope too, and their URLs pass the same policy as a PUT. */
function identifyInlineAllowed(c: Parameters<typeof authOf>[0], recipients: TriggerRecipient[]) {
  const inline = recipients.flatMap((r, i) => (typeof r === 'object' ? [{ r, at: `body.to.${i}` }] : []));
  if (!inline.length) return;
  demandScope(authOf(c).scopes, 'subscribers:write', 'identifying subscribers inline');
  const policy = urlPolicyFor(c.var.config);
  const problems = inline.flatMap(({ r, at }) => channelUrlProblems(r.channels, policy, at));
  if (problems.length) throw new ApiError('validation_failed', 'Request validation failed', problems);
}
