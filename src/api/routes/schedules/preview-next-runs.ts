import { createRoute } from '@hono/zod-openapi';
import { getSchedule } from '../../../db/queries/schedules';
import { localTime, nextRuns } from '../../../domain/schedules/recurrence';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { NextRunsQuery, NextRunsSchema, ScheduleIdParam } from './schema';

export const previewNextRunsRoute = createRoute({
  method: 'get',
  path: '/v1/schedules/{id}/next',
  tags: ['Schedules'],
  summary: "Preview the next runs, in UTC and in the schedule's time zone",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: ScheduleIdParam, query: NextRunsQuery },
  responses: { 200: json(NextRunsSchema, 'The next runs'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerPreviewNextRuns(app: App) {
  app.openapi(previewNextRunsRoute, async (c) => {
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
