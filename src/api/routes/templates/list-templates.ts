import { listTemplates } from '../../../db/queries/templates';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentTemplate, TemplateSchema } from './schema';

export const listTemplatesRoute = operation({
  method: 'get',
  path: '/v1/templates',
  operationId: 'listTemplates',
  tags: ['Templates'],
  summary: 'List templates, newest first',
  description: 'Pages with a cursor.',
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('tpl') },
  responses: { 200: json(pageOf(TemplateSchema), 'A page of templates'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export function registerListTemplates(app: App) {
  app.openapi(listTemplatesRoute, async (c) => {
    const page = await listTemplates(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentTemplate), next: page.next }, 200);
  });
}
