import { z } from '@hono/zod-openapi';
import {
  RUN_STATUSES,
  STEP_RESULT_STATUSES,
  type WorkflowRunRow,
  type WorkflowStepResultRow,
} from '../../../db/schema';
import { ExternalId, ResourceKey, TopicKey } from '../../../domain/client-ids';
import {
  boundedRecord,
  MAX_DATA_BYTES,
  MAX_METADATA_BYTES,
  MAX_RECIPIENTS,
  sendAtProblem,
} from '../../../domain/notifications/send-request';
import { UpsertSubscriberBody } from '../subscribers/schema';

const CancellationKey = z
  .string()
  .min(1)
  .max(255)
  .openapi({ description: 'Cancel the runs later by this key (e.g. an order or trial id)', example: 'trial-42' });

/** Identify inline, as Knock and Novu allow: the profile is upserted (PUT /v1/subscribers/{id}) before the run. */
export const IdentifiedSubscriber = UpsertSubscriberBody.extend({
  id: ExternalId.openapi({ description: "The subscriber's externalId: created if new, else its fields are merged" }),
})
  .strict()
  .openapi('IdentifiedSubscriber', {
    description:
      'A subscriber identified inline: created or updated like PUT /v1/subscribers/{id} (needs `subscribers:write`)',
  });

const TriggerRecipient = z.union([ExternalId, IdentifiedSubscriber]);

export const TriggerWorkflowBody = z
  .object({
    to: z.union([
      TriggerRecipient,
      z.array(TriggerRecipient).min(1).max(MAX_RECIPIENTS),
      z.object({ topic: TopicKey }).strict().openapi({ description: 'Every subscriber of a topic (fanned out)' }),
    ]),
    data: boundedRecord(MAX_DATA_BYTES).optional().openapi({
      description: 'Template variables and condition input; `digest`, `actor`, `subscriber`, `workflow` are reserved',
    }),
    actor: boundedRecord(MAX_METADATA_BYTES)
      .optional()
      .openapi({ description: 'Who caused the event (listed in digests)' }),
    cancellationKey: CancellationKey.optional(),
    sendAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Start the runs at this time' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    const problem = body.sendAt ? sendAtProblem(body.sendAt) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['sendAt'], message: problem });
    // One profile per subscriber: two inline profiles for one id would make the stored one depend on their order.
    const seen = new Set<string>();
    (Array.isArray(body.to) ? body.to : [body.to]).forEach((r, i) => {
      if (typeof r !== 'object' || !('id' in r)) return;
      if (seen.has(r.id)) {
        const path = Array.isArray(body.to) ? ['to', i, 'id'] : ['to', 'id'];
        ctx.addIssue({ code: 'custom', path, message: `subscriber '${r.id}' is identified more than once` });
      }
      seen.add(r.id);
    });
  })
  .openapi('TriggerWorkflowRequest');

export const TriggeredSchema = z
  .object({
    workflow: z.string(),
    version: z.number().int().openapi({ description: 'The published version the runs are pinned to' }),
    runs: z
      .array(z.object({ id: z.string(), subscriberId: z.string() }))
      .openapi({ description: 'One run per subscriber (empty for a topic: see broadcastId)' }),
    broadcastId: z
      .string()
      .nullable()
      .openapi({ description: 'For `to: { topic }`: the fan-out that starts the runs' }),
  })
  .openapi('WorkflowTriggered');

export const CancelRunsBody = z
  .object({
    workflow: ResourceKey.optional().openapi({ description: 'Only runs of this workflow' }),
    cancellationKey: CancellationKey,
    to: z
      .union([ExternalId, z.array(ExternalId).min(1).max(MAX_RECIPIENTS)])
      .optional()
      .openapi({
        description: 'Only runs for these subscribers',
      }),
  })
  .strict()
  .openapi('CancelWorkflowRunsRequest');

export const CanceledSchema = z
  .object({ canceled: z.number().int().openapi({ description: 'Runs that were unfinished and are now canceled' }) })
  .openapi('WorkflowRunsCanceled');

export const RunListQuery = z.object({
  workflow: ResourceKey.optional(),
  subscriber: ExternalId.optional().openapi({ description: "A subscriber's externalId" }),
  status: z.enum(RUN_STATUSES).optional(),
});

export const RunIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'wfr_01jf…' }),
});

const ErrorObject = z.object({ code: z.string(), message: z.string() }).nullable();

export const WorkflowRunSchema = z
  .object({
    id: z.string(),
    workflow: z.string(),
    version: z.number().int(),
    subscriberId: z.string(),
    status: z.enum(RUN_STATUSES),
    mode: z.enum(['test', 'live']),
    currentStep: z.string().nullable().openapi({ description: 'The step it runs or waits at; null once finished' }),
    wakeAt: z.iso.datetime().nullable().openapi({ description: 'When a waiting run goes on' }),
    data: z.record(z.string(), z.unknown()),
    actor: z.record(z.string(), z.unknown()).nullable(),
    cancellationKey: z.string().nullable(),
    broadcastId: z.string().nullable(),
    error: ErrorObject,
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .openapi('WorkflowRun');

export const StepResultSchema = z
  .object({
    stepId: z.string(),
    type: z.string(),
    status: z.enum(STEP_RESULT_STATUSES),
    reason: z.string().nullable(),
    notificationId: z.string().nullable(),
    output: z.record(z.string(), z.unknown()).nullable().openapi({
      description: "A delay's wakeAt, a digest's count and events, a branch's choice, a throttle's count",
    }),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .openapi('WorkflowStepResult');

export const WorkflowRunWithStepsSchema = WorkflowRunSchema.extend({
  steps: z.array(StepResultSchema).openapi({ description: 'The timeline: each step reached, in order' }),
}).openapi('WorkflowRunWithSteps');

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export const presentRun = (r: WorkflowRunRow): z.infer<typeof WorkflowRunSchema> => ({
  id: r.id,
  workflow: r.workflowKey,
  version: r.version,
  subscriberId: r.recipient,
  status: r.status,
  mode: r.mode,
  currentStep: r.currentStep,
  wakeAt: r.status === 'waiting' ? iso(r.wakeAt) : null,
  data: r.data,
  actor: r.actor,
  cancellationKey: r.cancellationKey,
  broadcastId: r.broadcastId,
  error: r.error ?? null,
  createdAt: iso(r.createdAt)!,
  finishedAt: iso(r.finishedAt),
});

export const presentStep = (s: WorkflowStepResultRow): z.infer<typeof StepResultSchema> => ({
  stepId: s.stepId,
  type: s.type,
  status: s.status,
  reason: s.reason,
  notificationId: s.notificationId,
  output: s.output,
  startedAt: iso(s.startedAt)!,
  finishedAt: iso(s.finishedAt),
});
