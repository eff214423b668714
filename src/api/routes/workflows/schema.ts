import { z } from '@hono/zod-openapi';
import type { RunStatus, WorkflowDefinition, WorkflowRow } from '../../../db/schema';
import { ResourceKey } from '../../../domain/client-ids';
import { WorkflowStepSchema } from '../../../domain/workflows/definition';

export { CreateWorkflowBody, UpdateWorkflowBody } from '../../../domain/workflows/definition';

export const WorkflowKeyParam = z.object({
  key: ResourceKey.openapi({ param: { name: 'key', in: 'path' }, example: 'onboarding' }),
});

export { PublishVersionBody as PublishWorkflowBody } from '../../openapi';

const definitionFields = {
  name: z.string(),
  description: z.string().nullable(),
  category: z.string().nullable().openapi({ description: 'The preference category its sends belong to' }),
  steps: z.array(WorkflowStepSchema),
};

export const WorkflowSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    ...definitionFields,
    publishedVersion: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The version triggers run; null until published. `steps` etc. are the draft' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Workflow');

const runCount = (description: string) => z.number().int().openapi({ description });

export const WorkflowRunCountsSchema = z
  .object({
    running: runCount('Advancing now'),
    waiting: runCount('At a delay or digest until their wake time'),
    completed: runCount('Finished every step'),
    canceled: runCount('Canceled by key, or by the deletion of the workflow'),
    digested: runCount("Joined another run's digest window and ended there"),
    throttled: runCount('Ended by a throttle step over its limit'),
    failed: runCount('Ended by an error (an invalid delay, the dead-letter queue)'),
  } satisfies Record<RunStatus, z.ZodNumber>)
  .openapi('WorkflowRunCounts', { description: 'Runs of the workflow in each status, over all its versions' });

export const WorkflowListItemSchema = WorkflowSchema.extend({ runs: WorkflowRunCountsSchema }).openapi(
  'WorkflowListItem',
);

export const WorkflowVersionSchema = z
  .object({
    version: z.number().int(),
    published: z.boolean().openapi({ description: 'The version triggers run' }),
    ...definitionFields,
    createdAt: z.iso.datetime(),
  })
  .openapi('WorkflowVersion');

const presentDefinition = (d: WorkflowDefinition) => ({
  name: d.name,
  description: d.description ?? null,
  category: d.category ?? null,
  steps: d.steps as z.infer<typeof WorkflowSchema>['steps'],
});

export const presentWorkflow = (w: WorkflowRow): z.infer<typeof WorkflowSchema> => ({
  id: w.id,
  key: w.key,
  ...presentDefinition(w.draft),
  publishedVersion: w.publishedVersion,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

export const presentWorkflowVersion = (
  v: { version: number; definition: WorkflowDefinition; createdAt: Date },
  published: number | null,
): z.infer<typeof WorkflowVersionSchema> => ({
  version: v.version,
  published: v.version === published,
  ...presentDefinition(v.definition),
  createdAt: v.createdAt.toISOString(),
});

/** The example definition the operations show: in-app now, email an hour later if still unread. */
export const EXAMPLE_STEPS = [
  { id: 'inbox', type: 'send' as const, channel: 'in_app' as const, template: 'new-comment' },
  { id: 'wait', type: 'delay' as const, duration: '1h' },
  {
    id: 'email',
    type: 'send' as const,
    channel: 'email' as const,
    template: 'new-comment',
    if: { '==': [{ var: 'steps.inbox.read' }, false] },
  },
];
