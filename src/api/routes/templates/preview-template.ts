import { loadLayouts } from '../../../db/queries/layouts';
import { getTemplateVersion } from '../../../db/queries/templates';
import type { TemplateContent } from '../../../db/schema';
import { layoutSourceFor } from '../../../domain/templates/layout-source';
import { RenderError } from '../../../domain/templates/liquid-engine';
import { requireTemplate } from '../../../domain/templates/manage-templates';
import { renderTemplate } from '../../../domain/templates/render-template';
import { ApiError, notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { PreviewBody, PreviewResult, TemplateKeyParam } from './schema';

export const previewTemplateRoute = operation({
  method: 'post',
  path: '/v1/templates/{key}/preview',
  operationId: 'previewTemplate',
  tags: ['Templates'],
  summary: 'Render a channel of the draft (or a version) without sending',
  description:
    'Renders with the given data and locale exactly as a send would, including the layout; a rendering error is a 422 naming the problem.',
  middleware: [requireScope('read')] as const,
  request: {
    params: TemplateKeyParam,
    body: jsonBody(PreviewBody, { channel: 'email', locale: 'en', data: { name: 'Kim' } }),
  },
  responses: { 200: json(PreviewResult, 'Rendered'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerPreviewTemplate(app: App) {
  app.openapi(previewTemplateRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const body = c.req.valid('json');
    const row = await requireTemplate(c.var.db, tenantId, c.req.valid('param').key);
    let content: TemplateContent = row.draft;
    if (body.version !== undefined) {
      const version = await getTemplateVersion(c.var.db, tenantId, row.id, body.version);
      if (!version) throw notFound(`Version ${body.version}`);
      content = version.content;
    }
    try {
      const layouts = layoutSourceFor(tenantId, await loadLayouts(c.var.db, [tenantId]));
      const rendered = await renderTemplate(content, body.channel, body.locale, body.data, null, layouts);
      return c.json(
        { channel: body.channel, locale: rendered.locale, content: rendered.content as Record<string, unknown> },
        200,
      );
    } catch (err) {
      if (err instanceof RenderError)
        throw new ApiError('validation_failed', err.message, [
          { path: 'template', message: err.message, code: err.code },
        ]);
      throw err;
    }
  });
}
