import { removeTemplate } from '../../../domain/templates/manage-templates';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses } from '../../openapi';
import { operation } from '../../operation';
import { TemplateKeyParam } from './schema';

export const deleteTemplateRoute = operation({
  method: 'delete',
  path: '/v1/templates/{key}',
  operationId: 'deleteTemplate',
  tags: ['Templates'],
  summary: 'Delete a template and its versions',
  description: 'Sends that name the template fail validation afterwards.',
  middleware: [requireScope('admin')] as const,
  request: { params: TemplateKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerDeleteTemplate(app: App) {
  app.openapi(deleteTemplateRoute, async (c) => {
    await removeTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key);
    await audit(c, { action: 'template.deleted', targetType: 'template', targetId: c.req.valid('param').key });
    return c.body(null, 204);
  });
}
