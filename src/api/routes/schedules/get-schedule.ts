import { createRoute } from '@hono/zod-openapi';
import { getSchedule } from '../../../db/queries/schedules';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json } from '../../openapi';
import { presentSchedule, ScheduleIdParam, ScheduleSchema } from './schema';

export const getScheduleRoute = createRoute({
  method: 'get',
  path: '/v1/schedules/{id}',
  tags: ['Schedules'],
  summary: 'A schedule',
  security: bearerSecurity,
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
