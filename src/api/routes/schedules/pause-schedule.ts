import { setPaused } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentSchedule, ScheduleIdParam, ScheduleSchema } from './schema';

export const pauseScheduleRoute = operation({
  method: 'post',
  path: '/v1/schedules/{id}/pause',
  operationId: 'pauseSchedule',
  tags: ['Schedules'],
  summary: 'Pause a schedule',
  description: 'No runs are created while it is paused; resume it to continue.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: ScheduleIdParam },
  responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerPauseSchedule(app: App) {
  app.openapi(pauseScheduleRoute, async (c) => {
    return c.json(presentSchedule(await setPaused(c.var.db, authOf(c).tenantId, c.req.valid('param').id, true)), 200);
  });
}
