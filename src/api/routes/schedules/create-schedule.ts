import { createSchedule } from '../../../domain/schedules/manage-schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CreateScheduleBody, presentSchedule, ScheduleSchema } from './schema';

export const createScheduleRoute = operation({
  method: 'post',
  path: '/v1/schedules',
  operationId: 'createSchedule',
  tags: ['Schedules'],
  summary: 'Create a recurring send (cron or every, in a time zone)',
  description:
    "Each run creates a normal notification to the schedule's recipients. Times are evaluated in the schedule's IANA time zone, so 09:00 stays 09:00 across DST.",
  middleware: [requireScope('notifications:write')] as const,
  request: {
    body: jsonBody(CreateScheduleBody, {
      name: 'Weekday digest',
      cron: '0 9 * * 1-5',
      timezone: 'America/New_York',
      to: { topic: 'product-updates' },
      template: 'daily-digest',
      data: { edition: 'morning' },
    }),
  },
  responses: { 201: json(ScheduleSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

export function registerCreateSchedule(app: App) {
  app.openapi(createScheduleRoute, async (c) => {
    const auth = authOf(c);
    return c.json(presentSchedule(await createSchedule(c.var.db, auth.tenantId, auth.mode, c.req.valid('json'))), 201);
  });
}
