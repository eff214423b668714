import { z } from '@hono/zod-openapi';
import { Cron } from 'croner';
import jsonLogic from 'json-logic-js';
import { CHANNELS } from '../../db/schema';
import { ResourceKey } from '../client-ids';
import { NotificationContentSchema } from '../notifications/send-request';
import { isIanaTimeZone } from '../subscribers/contact-rules';

/**
 * A workflow's steps (docs/workflows.md is the reference). Nested steps of a branch are checked by the same
 * schemas in the definition's refinement, so the OpenAPI document stays non-recursive while every level is
 * validated alike.
 */

export const MAX_STEPS = 20;
export const MAX_NESTING = 3;
export const MAX_DURATION_SECONDS = 365 * 86_400;
/** Names a send's template sees besides the trigger's data; a trigger's data may not use them. */
export const RESERVED_DATA_NAMES = ['digest', 'actor', 'subscriber', 'workflow'] as const;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION = /^([1-9][0-9]{0,8})(s|m|h|d)$/;

/** "15m" → 900; null when malformed or beyond 365 days. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  return seconds <= MAX_DURATION_SECONDS ? seconds : null;
}

const Duration = z
  .string()
  .refine(
    (s) => parseDuration(s) !== null,
    'must be a number and a unit (s, m, h, d), such as 30s, 15m, 2h, 7d, at most 365 days',
  )
  .openapi({ example: '1h' });

/** A path into the trigger's data: `data.threadId`, `data.user.trialEndsAt`. */
const DataPath = z
  .string()
  .regex(/^data(\.[A-Za-z0-9_-]{1,64}){1,8}$/, 'must be a path into the trigger data, such as data.threadId')
  .openapi({ example: 'data.threadId' });

/** Whether `rule` uses operation `op` anywhere (operations are the keys of objects in a rule). */
function usesOperation(rule: unknown, op: string): boolean {
  if (Array.isArray(rule)) return rule.some((r) => usesOperation(r, op));
  if (rule === null || typeof rule !== 'object') return false;
  return Object.entries(rule).some(([k, v]) => k === op || usesOperation(v, op));
}

/**
 * Why a JSONLogic rule cannot be evaluated, or null: unknown operations are refused when defined, not when run.
 * `method` is refused too: it calls any JavaScript method of a value, which a tenant's rule has no business doing.
 */
export function ruleProblem(rule: unknown): string | null {
  if (usesOperation(rule, 'method')) return 'must not use the "method" operation';
  try {
    jsonLogic.apply(rule as jsonLogic.RulesLogic, { data: {}, subscriber: {}, actor: {}, steps: {} });
    return null;
  } catch (err) {
    return `is not a valid JSONLogic rule: ${(err as Error).message}`;
  }
}

const Rule = z
  .union([z.record(z.string(), z.unknown()), z.boolean()])
  .superRefine((rule, ctx) => {
    const problem = ruleProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({
    description: 'A JSONLogic rule over `data`, `subscriber`, `actor` and `steps.<id>`; false skips the step',
    example: { '==': [{ var: 'steps.inbox.read' }, false] },
  });

const StepId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "_" and "-", starting with a letter or digit (1–64)');

const base = { id: StepId, if: Rule.optional() };

const SendStep = z
  .object({
    ...base,
    type: z.literal('send'),
    channel: z.enum([...CHANNELS]),
    template: ResourceKey.optional().openapi({ description: 'A published template key' }),
    content: NotificationContentSchema.optional(),
  })
  .strict()
  .refine((s) => (s.template === undefined) !== (s.content === undefined), {
    message: 'needs exactly one of template and content',
    path: ['template'],
  });

const DelayStep = z
  .object({
    ...base,
    type: z.literal('delay'),
    duration: Duration.optional(),
    until: DataPath.optional().openapi({ description: 'An ISO time in the trigger data' }),
  })
  .strict()
  .refine((s) => (s.duration === undefined) !== (s.until === undefined), {
    message: 'needs exactly one of duration and until',
    path: ['duration'],
  });

const CronWindow = z
  .object({
    cron: z
      .string()
      .max(100)
      .superRefine((cron, ctx) => {
        const fields = cron.trim().split(/\s+/);
        try {
          if (fields.length !== 5) throw new Error('must have 5 fields: minute hour day month weekday');
          new Cron(fields.join(' '), { mode: '5-part', paused: true }).nextRun();
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^CronPattern: /, '') });
        }
      }),
    timezone: z
      .string()
      .max(64)
      .refine((tz) => tz === 'subscriber' || isIanaTimeZone(tz), 'must be "subscriber" or an IANA time zone')
      .optional()
      .openapi({ description: '"subscriber" (their timezone, else UTC) or an IANA zone; default UTC' }),
  })
  .strict();

const DigestStep = z
  .object({
    ...base,
    type: z.literal('digest'),
    window: z.union([Duration, CronWindow]),
    key: DataPath.optional().openapi({ description: 'Separate windows per value of this data field' }),
    maxEvents: z.number().int().min(2).max(10_000).optional().openapi({ description: 'Close the window early' }),
    sendFirst: z.boolean().optional().openapi({ description: 'Let the first event through at once' }),
  })
  .strict();

const ThrottleStep = z
  .object({
    ...base,
    type: z.literal('throttle'),
    limit: z.number().int().min(1).max(1_000_000),
    window: Duration,
    key: DataPath.optional(),
  })
  .strict();

/** Nested steps, checked in the definition's refinement by the same schemas as the top level. */
const NestedSteps = z
  .array(z.looseObject({ id: z.string(), type: z.string() }))
  .openapi({ description: 'Steps, as at the top level (nesting at most 3 branches deep)' });

const BranchStep = z
  .object({
    ...base,
    type: z.literal('branch'),
    branches: z
      .array(z.object({ if: Rule, steps: NestedSteps }).strict())
      .min(1)
      .max(10),
    else: NestedSteps.optional(),
  })
  .strict();

export const WorkflowStepSchema = z
  .discriminatedUnion('type', [SendStep, DelayStep, DigestStep, ThrottleStep, BranchStep])
  .openapi('WorkflowStep');

export type SendStep = z.infer<typeof SendStep>;
export type DelayStep = z.infer<typeof DelayStep>;
export type DigestStep = z.infer<typeof DigestStep>;
export type ThrottleStep = z.infer<typeof ThrottleStep>;
export type BranchStep = Omit<z.infer<typeof BranchStep>, 'branches' | 'else'> & {
  branches: { if: z.infer<typeof Rule>; steps: Step[] }[];
  else?: Step[];
};
export type Step = SendStep | DelayStep | DigestStep | ThrottleStep | BranchStep;

/** Where a step sits, relative to the definition's `steps`: `[2]`, `[0, 'branches', 1, 'steps', 0]`. */
export type StepPath = (string | number)[];

/** Every step of a tree, depth first, with how many branches deep it is and where it sits. */
export function allSteps(steps: Step[], depth = 0, at: StepPath = []): { step: Step; depth: number; path: StepPath }[] {
  return steps.flatMap((step, i) => {
    const path = [...at, i];
    if (step.type !== 'branch') return [{ step, depth, path }];
    return [
      { step, depth, path },
      ...step.branches.flatMap((b, n) => allSteps(b.steps, depth + 1, [...path, 'branches', n, 'steps'])),
      ...allSteps(step.else ?? [], depth + 1, [...path, 'else']),
    ];
  });
}

/** The send steps that name a template, at any depth, with where they stand (for 422 paths). */
export function templateSends(steps: unknown[]) {
  return allSteps(steps as Step[]).flatMap(({ step, path }) =>
    step.type === 'send' && step.template !== undefined ? [{ id: step.id, template: step.template, path }] : [],
  );
}

/**
 * Checks nested steps with the step schema, then the limits that span the tree: ids, count, nesting. Only steps that
 * passed their schema are descended into, so a malformed nested branch is reported, never walked. Paths are relative
 * to the array being refined; each issue lands on the step (or its field) that breaks the rule.
 */
export function refineSteps(steps: unknown[], ctx: z.RefinementCtx) {
  const tally = { count: 0, seen: new Set<string>() };
  checkLevel(steps, ctx, [], 0, tally);
}

function checkLevel(
  steps: unknown[],
  ctx: z.RefinementCtx,
  at: StepPath,
  depth: number,
  tally: { count: number; seen: Set<string> },
) {
  for (const [i, raw] of steps.entries()) {
    const path = [...at, i];
    let step = raw as Step;
    if (depth > 0) {
      const parsed = WorkflowStepSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path.map(String)] });
        }
        continue;
      }
      step = parsed.data as Step;
    }
    tally.count += 1;
    if (tally.count === MAX_STEPS + 1) {
      const message = `step '${step.id}': more than ${MAX_STEPS} steps in all, nested ones included`;
      ctx.addIssue({ code: 'custom', message, path });
    }
    if (tally.seen.has(step.id)) {
      ctx.addIssue({ code: 'custom', message: `step '${step.id}': id used twice`, path: [...path, 'id'] });
    }
    tally.seen.add(step.id);
    if (step.type !== 'branch') continue;
    if (depth + 1 > MAX_NESTING) {
      const message = `step '${step.id}': branches nest at most ${MAX_NESTING} deep`;
      ctx.addIssue({ code: 'custom', message, path: [...path, 'branches'] });
      continue;
    }
    for (const [n, branch] of step.branches.entries()) {
      checkLevel(branch.steps, ctx, [...path, 'branches', n, 'steps'], depth + 1, tally);
    }
    if (step.else) checkLevel(step.else, ctx, [...path, 'else'], depth + 1, tally);
  }
}

// No length limit on the arrays themselves: the step count spans the tree, and refineSteps reports it on the step
// that goes over, by id (the body size limit bounds the work).
const Steps = z
  .array(WorkflowStepSchema)
  .min(1)
  .superRefine((steps, ctx) => refineSteps(steps, ctx))
  .openapi({ description: `At most ${MAX_STEPS} steps in all, nested ones included` });

const fields = {
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  category: ResourceKey.optional().openapi({ description: 'The preference category its sends belong to' }),
  steps: Steps,
};

export const CreateWorkflowBody = z
  .object({ key: ResourceKey, ...fields })
  .strict()
  .openapi('CreateWorkflowRequest');

export const UpdateWorkflowBody = z
  .object({
    name: fields.name.optional(),
    description: fields.description.nullable(),
    category: fields.category.nullable(),
    steps: Steps.optional(),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' })
  .openapi('UpdateWorkflowRequest');
