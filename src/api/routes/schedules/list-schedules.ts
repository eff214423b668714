import { listSchedules } from '../../../db/queries/schedules';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentSchedule, ScheduleSchema } from './schema';

export const listSchedulesRoute = operation({
  method: 'get',
  path: '/v1/schedules',
  operationId: 'listSchedules',
  tags: ['Schedules'],
  summary: 'List schedules',
  description: 'Pages with a cursor, newest first.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('sch') },
  responses: { 200: json(pageOf(ScheduleSchema), 'A page of schedules'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListSchedules(app: App) {
  app.openapi(listSchedulesRoute, async (c) => {
    const page = await listSchedules(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentSchedule), next: page.next }, 200);
  });
}
