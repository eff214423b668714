import { getSchedule } from '../../../db/queries/schedules';
import { localTime, nextRuns } from '../../../domain/schedules/recurrence';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { NextRunsQuery, NextRunsSchema, ScheduleIdParam } from './schema';

export const previewNextRunsRoute = operation({
  method: 'get',
  path: '/v1/schedules/{id}/next',
  operationId: 'previewNextRuns',
  tags: ['Schedules'],
  summary: "Preview the next runs, in UTC and in the schedule's time zone",
  description: 'Check a cron expression or interval before relying on it; nothing is created.',
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
