import { getSubscribersByExternalIds } from '../../db/queries/notifications';
import { type SubscriberFields, upsertSubscribers } from '../../db/queries/subscribers';
import { loadTemplatesByKeys, loadVersionContents } from '../../db/queries/templates';
import { insertRuns, markRunsNotEnqueued, type NewRun } from '../../db/queries/workflow-runs';
import type { SubscriberRow, WorkflowDefinition } from '../../db/schema';
import { ApiError, type ErrorDetail } from '../../errors';
import { newId } from '../../lib/ids';
import { sendRunWakes, withinQueueReach } from '../../queues/enqueue-workflows';
import type { AcceptContext } from '../notifications/accept';
import { missingVariables } from '../templates/render-template';
import { RESERVED_DATA_NAMES, type Step, templateSends } from './definition';

export interface PublishedWorkflow {
  id: string;
  key: string;
  version: number;
  definition: WorkflowDefinition;
}

export interface TriggerInput {
  data: Record<string, unknown>;
  actor: Record<string, unknown> | null;
  cancellationKey: string | null;
  sendAt: string | null;
}

/** Where runs come from when not from an API call: a topic fan-out chunk (its dedupe keys make it exactly-once). */
export interface RunOrigin {
  broadcastId: string;
  dedupeKey: (subscriber: SubscriberRow) => string;
}

/** The 422 of a trigger that cannot start: nothing has been written. */
export const triggerRefused = (details: ErrorDetail[]) =>
  new ApiError('validation_failed', 'The workflow cannot be triggered as requested', details);

/**
 * What would make the runs fail for a reason known now: data using a reserved name, or missing a variable that a
 * send step's template requires. Checked before anything is written (422).
 */
export async function triggerProblems(ctx: AcceptContext, wf: PublishedWorkflow, input: TriggerInput) {
  const details: ErrorDetail[] = RESERVED_DATA_NAMES.filter((name) => Object.hasOwn(input.data, name)).map((name) => ({
    path: `body.data.${name}`,
    message: `'${name}' is reserved: templates of a workflow receive it from the run`,
    code: 'reserved_name',
  }));
  const sends = templateSends(wf.definition.steps);
  if (sends.length === 0) return details;
  const rows = await loadTemplatesByKeys(ctx.db, ctx.tenantId, [...new Set(sends.map((s) => s.template))]);
  const contents = await loadVersionContents(
    ctx.db,
    rows.flatMap((r) =>
      r.publishedVersion === null ? [] : [{ tenantId: ctx.tenantId, templateId: r.id, version: r.publishedVersion }],
    ),
  );
  const provided = { ...input.data, ...Object.fromEntries(RESERVED_DATA_NAMES.map((n) => [n, { provided: true }])) };
  for (const send of sends) {
    const row = rows.find((r) => r.key === send.template);
    const content = row && contents.find((c) => c.template_id === row.id);
    if (!content) {
      details.push({
        path: 'workflow',
        message: `step '${send.id}': template '${send.template}' has no published version`,
        code: 'template_not_published',
      });
      continue;
    }
    const reserved = (v: string) => (RESERVED_DATA_NAMES as readonly string[]).includes(v.split('.')[0]!);
    for (const v of missingVariables(content.content.variables, provided).filter((v) => !reserved(v))) {
      details.push({
        path: `body.data.${v}`,
        message: `required by template '${send.template}' of step '${send.id}'`,
        code: 'missing_variable',
      });
    }
  }
  return details;
}

/** A subscriber id, or a subscriber identified inline: its profile is created or merged before the run starts. */
export type TriggerRecipient = string | ({ id: string } & SubscriberFields);

/**
 * The subscribers `to` names. Ids given alone must exist (else 422 naming them, before anything is written); inline
 * profiles are upserted first, as PUT /v1/subscribers/{id} would, so a new user can be triggered in one call.
 */
export async function resolveSubscribers(ctx: AcceptContext, recipients: TriggerRecipient[]) {
  const inline = recipients.filter((r) => typeof r === 'object');
  const identified = new Set(inline.map((r) => r.id));
  const ids = recipients.map((r) => (typeof r === 'object' ? r.id : r));
  const byIdOnly = [...new Set(ids.filter((id) => !identified.has(id)))];
  const rows = byIdOnly.length ? await getSubscribersByExternalIds(ctx.db, ctx.tenantId, byIdOnly) : [];
  const known = new Set(rows.map((r) => r.externalId));
  const unknown = byIdOnly.filter((id) => !known.has(id));
  if (unknown.length) {
    throw triggerRefused(
      unknown.map((id) => ({
        path: 'body.to',
        message: `no subscriber '${id}': create it with PUT /v1/subscribers/{id} first, or identify it inline`,
        code: 'unknown_subscriber',
      })),
    );
  }
  const upserted = await upsertSubscribers(
    ctx.db,
    ctx.tenantId,
    inline.map(({ id, ...fields }) => ({ externalId: id, id: newId('sub'), fields })),
  );
  const byId = new Map([...rows, ...upserted].map((r) => [r.externalId, r]));
  return [...new Set(ids)].map((id) => byId.get(id)!);
}

/**
 * Starts one run per subscriber, pinned to the published version: one insert, then one wake message per run
 * (delayed to sendAt). If the enqueue fails the runs are left to the due-scan cron, so a started run is never lost.
 */
export async function startRuns(
  ctx: AcceptContext,
  wf: PublishedWorkflow,
  input: TriggerInput,
  subscribers: SubscriberRow[],
  origin?: RunOrigin,
): Promise<{ id: string; subscriberId: string }[]> {
  const now = Date.now();
  const wakeAt = input.sendAt ? new Date(Math.max(Date.parse(input.sendAt), now)) : new Date(now);
  const delaySeconds = (wakeAt.getTime() - now) / 1000;
  const enqueue = withinQueueReach(delaySeconds);
  const first = (wf.definition.steps[0] as unknown as Step).id;
  const runs: NewRun[] = subscribers.map((s) => ({
    id: newId('wfr'),
    tenantId: ctx.tenantId,
    workflowId: wf.id,
    workflowKey: wf.key,
    version: wf.version,
    mode: ctx.mode,
    subscriberId: s.id,
    recipient: s.externalId,
    currentStep: first,
    data: input.data,
    actor: input.actor,
    cancellationKey: input.cancellationKey,
    wakeAt: wakeAt.toISOString(),
    enqueuedAt: enqueue ? new Date(now).toISOString() : null,
    dedupeKey: origin ? origin.dedupeKey(s) : null,
    broadcastId: origin?.broadcastId ?? null,
    requestId: ctx.trace?.requestId ?? null,
  }));
  const inserted = await insertRuns(ctx.db, runs);
  const started = runs.filter((r) => inserted.has(r.id));
  if (enqueue && started.length) {
    try {
      await sendRunWakes(
        ctx.env,
        started.map((r) => ({ tenantId: r.tenantId, runId: r.id, delaySeconds })),
        delaySeconds > 0 ? 'timer' : 'work',
      );
    } catch (err) {
      ctx.log.error('run enqueue failed after trigger; the cron will enqueue', { err, count: started.length });
      await markRunsNotEnqueued(
        ctx.db,
        ctx.tenantId,
        started.map((r) => r.id),
      ).catch((e) => ctx.log.error('could not mark runs for the cron', { err: e }));
    }
  }
  return started.map((r) => ({ id: r.id, subscriberId: r.recipient }));
}
