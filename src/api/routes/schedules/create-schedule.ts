import { createRoute } from '@hono/zod-openapi';
import { createSchedule } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { CreateScheduleBody, presentSchedule, ScheduleSchema } from './schema';

export const createScheduleRoute = createRoute({
  method: 'post',
  path: '/v1/schedules',
  tags: ['Schedules'],
  summary: 'Create a recurring send (cron or every, in a time zone)',
  security: bearerSecurity,
  middleware: [requireScope('notifications:write')] as const,
  request: { body: jsonBody(CreateScheduleBody) },
  responses: { 201: json(ScheduleSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerCreateSchedule(app: App) {
  app.openapi(createScheduleRoute, async (c) => {
    const auth = authOf(c);
    return c.json(presentSchedule(await createSchedule(c.var.db, auth.tenantId, auth.mode, c.req.valid('json'))), 201);
  });
}
