import { createRoute } from '@hono/zod-openapi';
import { changeSchedule } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { presentSchedule, ScheduleIdParam, ScheduleSchema, UpdateScheduleBody } from './schema';

export const updateScheduleRoute = createRoute({
  method: 'patch',
  path: '/v1/schedules/{id}',
  tags: ['Schedules'],
  summary: 'Change a schedule; a new timing recomputes the next run',
  security: bearerSecurity,
  middleware: [requireScope('notifications:write')] as const,
  request: { params: ScheduleIdParam, body: jsonBody(UpdateScheduleBody) },
  responses: { 200: json(ScheduleSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateSchedule(app: App) {
  app.openapi(updateScheduleRoute, async (c) => {
    const s = await changeSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentSchedule(s), 200);
  });
}
