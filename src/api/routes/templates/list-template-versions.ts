import { z } from '@hono/zod-openapi';
import { listTemplateVersions } from '../../../db/queries/templates';
import { requireTemplate } from '../../../domain/templates/manage-templates';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
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
  request: { params: TemplateKeyParam },
  responses: {
    200: json(z.object({ data: z.array(TemplateVersionSchema) }), 'Versions'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerListTemplateVersions(app: App) {
  app.openapi(listTemplateVersionsRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const row = await requireTemplate(c.var.db, tenantId, c.req.valid('param').key);
    const versions = await listTemplateVersions(c.var.db, tenantId, row.id);
    return c.json({ data: versions.map((v) => presentVersion(v, row.publishedVersion)) }, 200);
  });
}
