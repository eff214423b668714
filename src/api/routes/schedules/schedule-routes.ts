import { createRoute } from '@hono/zod-openapi';
import { deleteSchedule, getSchedule, listSchedules } from '../../../db/queries/schedules';
import { changeSchedule, createSchedule, setPaused } from '../../../domain/schedules/manage-schedules';
import { localTime, nextRuns } from '../../../domain/schedules/recurrence';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import {
  AUTHED_ERRORS,
  BODY_ERRORS,
  bearerSecurity,
  errorResponses,
  json,
  jsonBody,
  pageOf,
  pageQuery,
} from '../../openapi';
import {
  CreateScheduleBody,
  NextRunsQuery,
  NextRunsSchema,
  presentSchedule,
  ScheduleIdParam,
  ScheduleSchema,
  UpdateScheduleBody,
} from './schema';

const tags = ['Schedules'];
const write = requireScope('notifications:write');
const read = requireScope('read');
const byId = { params: ScheduleIdParam };

const createScheduleRoute = createRoute({
  method: 'post',
  path: '/v1/schedules',
  tags,
  summary: 'Create a recurring send (cron or every, in a time zone)',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { body: jsonBody(CreateScheduleBody) },
  responses: { 201: json(ScheduleSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

const listSchedulesRoute = createRoute({
  method: 'get',
  path: '/v1/schedules',
  tags,
  summary: 'List schedules',
  security: bearerSecurity,
  middleware: [read] as const,
  request: { query: pageQuery('sch') },
  responses: { 200: json(pageOf(ScheduleSchema), 'A page of schedules'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

const getScheduleRoute = createRoute({
  method: 'get',
  path: '/v1/schedules/{id}',
  tags,
  summary: 'A schedule',
  security: bearerSecurity,
  middleware: [read] as const,
  request: byId,
  responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

const updateScheduleRoute = createRoute({
  method: 'patch',
  path: '/v1/schedules/{id}',
  tags,
  summary: 'Change a schedule; a new timing recomputes the next run',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { ...byId, body: jsonBody(UpdateScheduleBody) },
  responses: { 200: json(ScheduleSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

const deleteScheduleRoute = createRoute({
  method: 'delete',
  path: '/v1/schedules/{id}',
  tags,
  summary: 'Delete a schedule (notifications it already created are kept)',
  security: bearerSecurity,
  middleware: [write] as const,
  request: byId,
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404) },
});

const pauseRoute = (paused: boolean) =>
  createRoute({
    method: 'post',
    path: `/v1/schedules/{id}/${paused ? 'pause' : 'resume'}`,
    tags,
    summary: paused ? 'Pause a schedule' : 'Resume a schedule from now (runs missed while paused are skipped)',
    security: bearerSecurity,
    middleware: [write] as const,
    request: byId,
    responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
  });

const nextRunsRoute = createRoute({
  method: 'get',
  path: '/v1/schedules/{id}/next',
  tags,
  summary: "Preview the next runs, in UTC and in the schedule's time zone",
  security: bearerSecurity,
  middleware: [read] as const,
  request: { ...byId, query: NextRunsQuery },
  responses: { 200: json(NextRunsSchema, 'The next runs'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerScheduleRoutes(app: App) {
  app.openapi(createScheduleRoute, async (c) => {
    const auth = authOf(c);
    return c.json(presentSchedule(await createSchedule(c.var.db, auth.tenantId, auth.mode, c.req.valid('json'))), 201);
  });
  app.openapi(listSchedulesRoute, async (c) => {
    const page = await listSchedules(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentSchedule), next: page.next }, 200);
  });
  app.openapi(getScheduleRoute, async (c) => {
    const s = await getSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!s) throw notFound('Schedule');
    return c.json(presentSchedule(s), 200);
  });
  app.openapi(updateScheduleRoute, async (c) => {
    const s = await changeSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentSchedule(s), 200);
  });
  app.openapi(deleteScheduleRoute, async (c) => {
    if (!(await deleteSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id))) throw notFound('Schedule');
    return c.body(null, 204);
  });
  for (const paused of [true, false]) {
    app.openapi(pauseRoute(paused), async (c) => {
      return c.json(
        presentSchedule(await setPaused(c.var.db, authOf(c).tenantId, c.req.valid('param').id, paused)),
        200,
      );
    });
  }
  app.openapi(nextRunsRoute, async (c) => {
    const s = await getSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!s) throw notFound('Schedule');
    const q = c.req.valid('query');
    const runs = nextRuns(s.pattern, s, q.after ? new Date(q.after) : new Date(), q.count);
    return c.json(
      { timezone: s.timezone, runs: runs.map((at) => ({ at: at.toISOString(), local: localTime(at, s.timezone) })) },
      200,
    );
  });
}
