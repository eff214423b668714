import { listTemplateVersions } from '../../../db/queries/templates';
import { requireTemplate } from '../../../domain/templates/manage-templates';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, versionPageQuery } from '../../openapi';
import { operation } from '../../operation';
import { presentVersion, TemplateKeyParam, TemplateVersionSchema } from './schema';

export const listTemplateVersionsRoute = operation({
  method: 'get',
  path: '/v1/templates/{key}/versions',
  operationId: 'listTemplateVersions',
  tags: ['Templates'],
  summary: 'Every published version, newest first',
  description: 'Each version is the immutable content that was published; `published` marks the one sends use.',
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam, query: versionPageQuery() },
  responses: {
    200: json(pageOf(TemplateVersionSchema), 'A page of versions'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerListTemplateVersions(app: App) {
  app.openapi(listTemplateVersionsRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const row = await requireTemplate(c.var.db, tenantId, c.req.valid('param').key);
    const { limit, after } = c.req.valid('query');
    const page = await listTemplateVersions(c.var.db, tenantId, row.id, {
      limit,
      before: after === undefined ? undefined : Number(after),
    });
    return c.json({ data: page.data.map((v) => presentVersion(v, row.publishedVersion)), next: page.next }, 200);
  });
}
