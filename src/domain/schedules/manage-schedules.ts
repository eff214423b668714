import type { Db } from '../../db/client';
import { getSchedule, insertSchedule, updateSchedule } from '../../db/queries/schedules';
import { getTopicByKey } from '../../db/queries/topics';
import type { ScheduleRow } from '../../db/schema';
import { ApiError, type ErrorDetail, notFound } from '../../errors';
import { newId } from '../../lib/ids';
import { templateReferenceProblem } from '../templates/template-reference';
import { nextRun, patternFor } from './recurrence';

/** Timing fields; every other field is what each occurrence sends (validated by the API schema). */
interface Timing {
  name?: string | undefined;
  cron?: string | undefined;
  every?: string | undefined;
  timezone?: string | undefined;
  startAt?: string | null | undefined;
  endAt?: string | null | undefined;
  paused?: boolean | undefined;
}
type CreateInput = Timing & { name: string; timezone: string; paused: boolean } & Record<string, unknown>;
type UpdateInput = Timing & Record<string, unknown>;

const TIMING = ['name', 'cron', 'every', 'timezone', 'startAt', 'endAt', 'paused'] as const;

/**
 * The send part of the input. One recipient is stored as a list of one, so everything that reads a schedule's
 * recipients (runs, erasure) sees one shape: a list or a topic.
 */
function splitInput<T extends Record<string, unknown>>(input: T) {
  const send: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input))
    if (!(TIMING as readonly string[]).includes(k) && v !== undefined) send[k] = v;
  const to = send.to;
  if (to !== undefined && !Array.isArray(to) && !(typeof to === 'object' && to !== null && 'topic' in to))
    send.to = [to];
  return send;
}

function patternOrError(r: { cron?: string | undefined; every?: string | undefined; timezone: string }, anchor: Date) {
  const result = patternFor(r, anchor);
  if (!result.ok)
    throw new ApiError('validation_failed', `Invalid ${result.path}`, [
      { path: `body.${result.path}`, message: result.message },
    ]);
  return result.pattern;
}

/**
 * What each occurrence sends must name objects the tenant has: the template (published, or the pinned version)
 * and the topic. Otherwise the schedule would be accepted and every run would fail. Subscriber ids and categories
 * stay soft references: a subscriber may be created before the first run, a category needs no definition
 * (docs/decisions.md). Lookups are by tenant, so another tenant's template or topic is unknown here too.
 */
async function requireSendReferences(db: Db, tenantId: string, send: Record<string, unknown>) {
  const details: ErrorDetail[] = [];
  const version = typeof send.templateVersion === 'number' ? send.templateVersion : undefined;
  if (typeof send.template === 'string') {
    const problem = await templateReferenceProblem(db, tenantId, send.template, version);
    if (problem) details.push(problem);
  }
  const to = send.to as { topic?: unknown } | undefined;
  if (to && typeof to === 'object' && !Array.isArray(to) && typeof to.topic === 'string') {
    if (!(await getTopicByKey(db, tenantId, to.topic)))
      details.push({ path: 'body.to.topic', message: `no topic '${to.topic}'`, code: 'unknown_topic' });
  }
  if (details.length) throw new ApiError('validation_failed', 'The schedule names objects that do not exist', details);
}

/** The first run at or after max(now, startAt); null when the schedule ends before any run. */
function firstRun(pattern: string, s: { timezone: string; startAt: Date | null; endAt: Date | null }, now: Date) {
  const from = s.startAt && s.startAt > now ? new Date(s.startAt.getTime() - 1) : now;
  return nextRun(pattern, s, from);
}

export async function createSchedule(
  db: Db,
  tenantId: string,
  mode: 'test' | 'live',
  input: CreateInput,
  now = new Date(),
) {
  const startAt = input.startAt ? new Date(input.startAt) : null;
  const endAt = input.endAt ? new Date(input.endAt) : null;
  const pattern = patternOrError(input, startAt ?? now);
  const send = splitInput(input);
  await requireSendReferences(db, tenantId, send);
  const timing = { timezone: input.timezone, startAt, endAt };
  return insertSchedule(db, {
    id: newId('sch'),
    tenantId,
    name: input.name,
    cron: input.cron?.trim().split(/\s+/).join(' ') ?? null,
    every: input.every ?? null,
    pattern,
    ...timing,
    mode,
    paused: input.paused,
    request: send,
    nextRunAt: firstRun(pattern, timing, now),
  });
}

export async function changeSchedule(db: Db, tenantId: string, id: string, patch: UpdateInput, now = new Date()) {
  const s = await getSchedule(db, tenantId, id);
  if (!s) throw notFound('Schedule');
  const timingChanged = ['cron', 'every', 'timezone', 'startAt', 'endAt'].some((k) => k in patch);
  const cron = patch.cron !== undefined ? patch.cron : patch.every !== undefined ? undefined : (s.cron ?? undefined);
  const every = patch.every !== undefined ? patch.every : patch.cron !== undefined ? undefined : (s.every ?? undefined);
  const timing = {
    timezone: patch.timezone ?? s.timezone,
    startAt: patch.startAt === undefined ? s.startAt : patch.startAt ? new Date(patch.startAt) : null,
    endAt: patch.endAt === undefined ? s.endAt : patch.endAt ? new Date(patch.endAt) : null,
  };
  if (timing.startAt && timing.endAt && timing.endAt <= timing.startAt) {
    throw new ApiError('validation_failed', 'Invalid endAt', [
      { path: 'body.endAt', message: 'must be after startAt' },
    ]);
  }
  const sendPatch = splitInput(patch);
  // template and content replace each other
  const request = { ...s.request, ...sendPatch };
  if ('template' in sendPatch) delete request.content;
  if ('content' in sendPatch) {
    delete request.template;
    delete request.templateVersion;
  }
  // Only references the patch touches: an unrelated edit must not fail because a template was deleted since.
  await requireSendReferences(db, tenantId, {
    ...('template' in sendPatch || 'templateVersion' in sendPatch
      ? { template: request.template, templateVersion: request.templateVersion }
      : {}),
    ...('to' in sendPatch ? { to: request.to } : {}),
  });
  const set: Partial<ScheduleRow> = { request, ...(patch.name ? { name: patch.name } : {}) };
  if (timingChanged) {
    const pattern = patternOrError({ cron, every, timezone: timing.timezone }, timing.startAt ?? s.createdAt);
    Object.assign(set, {
      cron: cron ?? null,
      every: every ?? null,
      pattern,
      ...timing,
      nextRunAt: firstRun(pattern, timing, now),
    });
  }
  return (await updateSchedule(db, tenantId, id, set))!;
}

/** Pause keeps the schedule; resume continues from now (runs missed while paused are skipped, not caught up). */
export async function setPaused(db: Db, tenantId: string, id: string, paused: boolean, now = new Date()) {
  const s = await getSchedule(db, tenantId, id);
  if (!s) throw notFound('Schedule');
  const set: Partial<ScheduleRow> = { paused };
  if (!paused && s.paused) set.nextRunAt = firstRun(s.pattern, s, now);
  return (await updateSchedule(db, tenantId, id, set))!;
}
