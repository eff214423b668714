import { setPaused } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentSchedule, ScheduleIdParam, ScheduleSchema } from './schema';

export const resumeScheduleRoute = operation({
  method: 'post',
  path: '/v1/schedules/{id}/resume',
  operationId: 'resumeSchedule',
  tags: ['Schedules'],
  summary: 'Resume a schedule from now (runs missed while paused are skipped)',
  description: 'The next run is computed from the current time.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: ScheduleIdParam },
  responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerResumeSchedule(app: App) {
  app.openapi(resumeScheduleRoute, async (c) => {
    return c.json(presentSchedule(await setPaused(c.var.db, authOf(c).tenantId, c.req.valid('param').id, false)), 200);
  });
}
