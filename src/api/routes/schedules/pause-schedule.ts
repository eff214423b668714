import { createRoute } from '@hono/zod-openapi';
import { setPaused } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { presentSchedule, ScheduleIdParam, ScheduleSchema } from './schema';

export const pauseScheduleRoute = createRoute({
  method: 'post',
  path: '/v1/schedules/{id}/pause',
  tags: ['Schedules'],
  summary: 'Pause a schedule',
  security: bearerSecurity,
  middleware: [requireScope('notifications:write')] as const,
  request: { params: ScheduleIdParam },
  responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerPauseSchedule(app: App) {
  app.openapi(pauseScheduleRoute, async (c) => {
    return c.json(presentSchedule(await setPaused(c.var.db, authOf(c).tenantId, c.req.valid('param').id, true)), 200);
  });
}
