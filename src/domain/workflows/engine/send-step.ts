import { cancelPendingDeliveries } from '../../../db/queries/notifications';
import { claimStep, finishStep, notificationByDedupeKey } from '../../../db/queries/workflow-steps';
import type { NotificationContent } from '../../../db/schema';
import { ApiError } from '../../../errors';
import { urlPolicyFor } from '../../../lib/ssrf-guard';
import { acceptNotifications } from '../../notifications/accept';
import type { SendNotificationRequest } from '../../notifications/send-request';
import { RenderError, renderPart } from '../../templates/liquid-engine';
import type { SendStep } from '../definition';
import { next, type StepInput, type StepOutcome, stop } from './outcome';
import { latestDigest, subscriberView } from './run-scope';

/** The dedupe key of a send step's notification: one notification per (run, step), whatever is redelivered. */
export const sendDedupeKey = (runId: string, stepId: string) => `wfr:${runId}:${stepId}`;

/**
 * A send goes through today's pipeline as one notification to the run's subscriber, so preferences (the
 * workflow's category), quiet hours, caps, failover, tracking, the sandbox and status webhooks all apply. A send
 * that cannot be planned (no address for the channel, a template gone) fails the step, not the run: later steps
 * may branch on `steps.<id>.status`.
 */
export async function runSend({ ctx, loaded, step, ref }: StepInput<SendStep>): Promise<StepOutcome> {
  const { run, subscriber } = loaded;
  const stored = loaded.results.get(step.id) ?? (await claimStep(ctx.db, ref, 'running'));
  if (!stored) return stop;
  if (stored.status !== 'running') return next();
  if (!subscriber) {
    await finishStep(ctx.db, ref, { status: 'failed', reason: 'the subscriber was deleted' });
    return next();
  }
  // Only the digest is needed here, and it is in the run's results: no read of the send states.
  const data = {
    ...run.data,
    digest: latestDigest(loaded) ?? { count: 0, events: [] },
    actor: run.actor ?? {},
    subscriber: subscriberView(subscriber),
    workflow: { key: run.workflowKey, version: run.version, runId: run.id },
  };
  let content: NotificationContent | undefined;
  try {
    content =
      step.content &&
      (await renderContent(step.content, data, `${run.tenantId}:${run.workflowId}:${run.version}:${step.id}`));
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    await finishStep(ctx.db, ref, { status: 'failed', reason: err.message });
    return next();
  }
  const request: SendNotificationRequest = {
    to: subscriber.externalId,
    channels: [step.channel],
    ...(step.template ? { template: step.template } : { content: content! }),
    data,
    priority: 'normal',
    ...(loaded.definition.category ? { category: loaded.definition.category } : {}),
  };
  const dedupeKey = sendDedupeKey(run.id, step.id);
  const [result] = await acceptOrRefuse(
    {
      db: ctx.db,
      env: ctx.env,
      log: ctx.log,
      tenantId: run.tenantId,
      mode: run.mode,
      urlPolicy: urlPolicyFor(ctx.config),
    },
    [request],
    [{ dedupeKey }],
    [subscriber],
  );
  if (!result?.ok) {
    const reason = result ? `${result.error.message}${detailsOf(result.error.details)}` : 'not accepted';
    await finishStep(ctx.db, ref, { status: 'failed', reason });
    return next();
  }
  const notificationId = result.inserted
    ? result.planned.notification.id
    : await notificationByDedupeKey(ctx.db, run.tenantId, dedupeKey);
  const stillActive = await finishStep(ctx.db, ref, { status: 'completed', notificationId });
  if (!stillActive && notificationId) {
    // A cancel landed between this step's claim and its accept: withdraw what has not gone out yet.
    await cancelPendingDeliveries(ctx.db, run.tenantId, notificationId);
    return stop;
  }
  return next();
}

const TEXT_FIELDS = ['subject', 'text', 'title', 'body', 'actionUrl'] as const;

/** A step's inline content is Liquid over the same variables a template gets; `html` is escaped as HTML. */
async function renderContent(content: NotificationContent, data: Record<string, unknown>, cacheKey: string) {
  const out: NotificationContent = { ...content };
  for (const field of TEXT_FIELDS) {
    const source = content[field];
    if (source !== undefined)
      out[field] = await renderPart(source, data, { html: false, cacheKey: `${cacheKey}:${field}` });
  }
  if (content.html !== undefined)
    out.html = await renderPart(content.html, data, { html: true, cacheKey: `${cacheKey}:html` });
  return out;
}

/** A refusal of the whole accept (the tenant's budget hard stop) fails the step like a refused send. */
async function acceptOrRefuse(...args: Parameters<typeof acceptNotifications>) {
  try {
    return await acceptNotifications(...args);
  } catch (err) {
    if (err instanceof ApiError) return [{ ok: false as const, error: err }];
    throw err;
  }
}

function detailsOf(details: { message: string; path?: string }[] | undefined) {
  if (!details?.length) return '';
  return `: ${details.map((d) => (d.path ? `${d.path} ${d.message}` : d.message)).join('; ')}`;
}
