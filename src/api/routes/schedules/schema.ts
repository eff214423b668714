import { z } from '@hono/zod-openapi';
import type { ScheduleRow } from '../../../db/schema';
import { SendNotificationBody } from '../../../domain/notifications/send-request';
import { isIanaTimeZone } from '../../../domain/subscribers/contact-rules';

const send = SendNotificationBody.shape;

const timing = {
  cron: z
    .string()
    .max(100)
    .openapi({ description: '5 fields: minute hour day-of-month month day-of-week', example: '0 9 * * 1-5' }),
  every: z
    .string()
    .max(10)
    .openapi({ description: '15m, 2h, 1d or 1w, anchored at startAt (or creation)', example: '1d' }),
  timezone: z
    .string()
    .max(64)
    .refine(isIanaTimeZone, 'must be an IANA time zone such as America/New_York')
    .openapi({ example: 'America/New_York' }),
  startAt: z.iso.datetime({ offset: true }),
  endAt: z.iso.datetime({ offset: true }),
};

/** What each occurrence sends: the send request's own fields, `to` included (every form a send takes). */
const what = {
  to: send.to,
  template: send.template,
  templateVersion: send.templateVersion,
  content: send.content,
  channels: send.channels,
  data: send.data,
  category: send.category,
  priority: send.priority,
  metadata: send.metadata,
};

function checkTiming(
  b: { cron?: string; every?: string; startAt?: string; endAt?: string },
  ctx: z.RefinementCtx,
  creating: boolean,
) {
  if (b.cron !== undefined && b.every !== undefined)
    ctx.addIssue({ code: 'custom', path: ['every'], message: 'give cron or every, not both' });
  if (creating && b.cron === undefined && b.every === undefined)
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'cron or every is required' });
  if (b.startAt && b.endAt && Date.parse(b.endAt) <= Date.parse(b.startAt)) {
    ctx.addIssue({ code: 'custom', path: ['endAt'], message: 'must be after startAt' });
  }
}

function checkContent(
  b: { template?: string | undefined; content?: unknown },
  ctx: z.RefinementCtx,
  creating: boolean,
) {
  if (b.template !== undefined && b.content !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['content'], message: 'send either content or template, not both' });
  } else if (creating && b.template === undefined && b.content === undefined) {
    ctx.addIssue({ code: 'custom', path: ['template'], message: 'template or content is required' });
  }
}

export const CreateScheduleBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    cron: timing.cron.optional(),
    every: timing.every.optional(),
    timezone: timing.timezone,
    startAt: timing.startAt.optional(),
    endAt: timing.endAt.optional(),
    paused: z.boolean().default(false),
    ...what,
    template: what.template.optional(),
    content: what.content.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    checkTiming(b, ctx, true);
    checkContent(b, ctx, true);
  })
  .openapi('CreateScheduleRequest');

export const UpdateScheduleBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    cron: timing.cron.optional(),
    every: timing.every.optional(),
    timezone: timing.timezone.optional(),
    startAt: timing.startAt.nullable().optional(),
    endAt: timing.endAt.nullable().optional(),
    to: what.to.optional(),
    template: what.template.optional(),
    templateVersion: what.templateVersion,
    content: what.content.optional(),
    channels: what.channels,
    data: what.data,
    category: what.category,
    priority: send.priority.unwrap().optional(),
    metadata: what.metadata,
  })
  .strict()
  .superRefine((b, ctx) => {
    if (Object.keys(b).length === 0) ctx.addIssue({ code: 'custom', message: 'nothing to update' });
    checkTiming({ ...b, startAt: b.startAt ?? undefined, endAt: b.endAt ?? undefined }, ctx, false);
    checkContent(b, ctx, false);
  })
  .openapi('UpdateScheduleRequest');

export const ScheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    cron: z.string().nullable(),
    every: z.string().nullable(),
    pattern: z.string().openapi({ description: 'The cron pattern it runs on (every → cron)' }),
    timezone: z.string(),
    startAt: z.iso.datetime().nullable(),
    endAt: z.iso.datetime().nullable(),
    paused: z.boolean(),
    mode: z.enum(['test', 'live']),
    nextRunAt: z.iso.datetime().nullable().openapi({ description: 'Null once the schedule has ended' }),
    lastRunAt: z.iso.datetime().nullable(),
    lastError: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
    send: z.record(z.string(), z.unknown()).openapi({ description: 'What each occurrence sends' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Schedule');

export const ScheduleIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'sch_01jf…' }),
});

export const NextRunsQuery = z.object({
  count: z.coerce.number().int().min(1).max(50).default(5),
  after: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Default: now' }),
});

export const NextRunsSchema = z
  .object({
    timezone: z.string(),
    runs: z.array(z.object({ at: z.iso.datetime(), local: z.string().openapi({ example: '2026-03-09T09:00' }) })),
  })
  .openapi('ScheduleNextRuns');

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const presentSchedule = (s: ScheduleRow): z.infer<typeof ScheduleSchema> => ({
  id: s.id,
  name: s.name,
  cron: s.cron,
  every: s.every,
  pattern: s.pattern,
  timezone: s.timezone,
  startAt: iso(s.startAt),
  endAt: iso(s.endAt),
  paused: s.paused,
  mode: s.mode,
  nextRunAt: iso(s.nextRunAt),
  lastRunAt: iso(s.lastRunAt),
  lastError: s.lastError ?? null,
  send: s.request,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});
