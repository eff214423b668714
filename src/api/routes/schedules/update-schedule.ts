import { changeSchedule } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentSchedule, ScheduleIdParam, ScheduleSchema, UpdateScheduleBody } from './schema';

export const updateScheduleRoute = operation({
  method: 'patch',
  path: '/v1/schedules/{id}',
  operationId: 'updateSchedule',
  tags: ['Schedules'],
  summary: 'Change a schedule; a new timing recomputes the next run',
  description: 'Only the fields sent change.',
  middleware: [requireScope('notifications:write')] as const,
  request: {
    params: ScheduleIdParam,
    body: jsonBody(UpdateScheduleBody, { cron: '30 8 * * 1-5', timezone: 'Europe/Berlin' }),
  },
  responses: { 200: json(ScheduleSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerUpdateSchedule(app: App) {
  app.openapi(updateScheduleRoute, async (c) => {
    const s = await changeSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentSchedule(s), 200);
  });
}
