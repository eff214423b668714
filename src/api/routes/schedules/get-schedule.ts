import { getSchedule } from '../../../db/queries/schedules';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { presentSchedule, ScheduleIdParam, ScheduleSchema } from './schema';

export const getScheduleRoute = operation({
  method: 'get',
  path: '/v1/schedules/{id}',
  operationId: 'getSchedule',
  tags: ['Schedules'],
  summary: 'A schedule',
  description: 'Includes its timing, recipients, content and the time of the next run.',
  middleware: [requireScope('read')] as const,
  request: { params: ScheduleIdParam },
  responses: { 200: json(ScheduleSchema, 'The schedule'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerGetSchedule(app: App) {
  app.openapi(getScheduleRoute, async (c) => {
    const s = await getSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!s) throw notFound('Schedule');
    return c.json(presentSchedule(s), 200);
  });
}
