import { deleteSchedule } from '../../../db/queries/schedules';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { ScheduleIdParam } from './schema';

export const deleteScheduleRoute = operation({
  method: 'delete',
  path: '/v1/schedules/{id}',
  operationId: 'deleteSchedule',
  tags: ['Schedules'],
  summary: 'Delete a schedule (notifications it already created are kept)',
  description: 'No further runs are created.',
  middleware: [requireScope('notifications:write')] as const,
  request: { params: ScheduleIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerDeleteSchedule(app: App) {
  app.openapi(deleteScheduleRoute, async (c) => {
    if (!(await deleteSchedule(c.var.db, authOf(c).tenantId, c.req.valid('param').id))) throw notFound('Schedule');
    return c.body(null, 204);
  });
}
