import { createRoute, z } from '@hono/zod-openapi';
import { loadLayouts } from '../../../db/queries/layouts';
import { getTemplateVersion, listTemplates, listTemplateVersions } from '../../../db/queries/templates';
import type { TemplateContent } from '../../../db/schema';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import { layoutSourceFor } from '../../../domain/templates/layout-source';
import { RenderError } from '../../../domain/templates/liquid-engine';
import {
  createTemplate,
  editTemplate,
  publishTemplate,
  removeTemplate,
  requireTemplate,
} from '../../../domain/templates/manage-templates';
import { renderTemplate } from '../../../domain/templates/render-template';
import { ApiError, notFound } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { idempotent } from '../../middleware/idempotency';
import {
  AUTHED_ERRORS,
  BODY_ERRORS,
  bearerSecurity,
  errorResponses,
  json,
  jsonBody,
  pageOf,
  pageQuery,
} from '../../openapi';
import {
  CreateTemplateBody,
  PreviewBody,
  PublishBody,
  presentTemplate,
  presentVersion,
  TemplateKeyParam,
  TemplateSchema,
  TemplateVersionSchema,
  UpdateTemplateBody,
} from './schema';

const tags = ['Templates'];
const security = bearerSecurity;

export const createTemplateRoute = createRoute({
  method: 'post',
  path: '/v1/templates',
  tags,
  summary: 'Create a template (as a draft; publish to use it in sends)',
  security,
  middleware: [requireScope('admin'), idempotent] as const,
  request: { body: jsonBody(CreateTemplateBody) },
  responses: { 201: json(TemplateSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export const listTemplatesRoute = createRoute({
  method: 'get',
  path: '/v1/templates',
  tags,
  summary: 'List templates, newest first',
  security,
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('tpl') },
  responses: { 200: json(pageOf(TemplateSchema), 'A page of templates'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

export const getTemplateRoute = createRoute({
  method: 'get',
  path: '/v1/templates/{key}',
  tags,
  summary: 'A template with its draft and published version number',
  security,
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam },
  responses: { 200: json(TemplateSchema, 'The template'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export const updateTemplateRoute = createRoute({
  method: 'patch',
  path: '/v1/templates/{key}',
  tags,
  summary: 'Edit the draft (sends keep the published version until the next publish)',
  security,
  middleware: [requireScope('admin')] as const,
  request: { params: TemplateKeyParam, body: jsonBody(UpdateTemplateBody) },
  responses: { 200: json(TemplateSchema, 'Updated draft'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export const deleteTemplateRoute = createRoute({
  method: 'delete',
  path: '/v1/templates/{key}',
  tags,
  summary: 'Delete a template and its versions',
  security,
  middleware: [requireScope('admin')] as const,
  request: { params: TemplateKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export const publishTemplateRoute = createRoute({
  method: 'post',
  path: '/v1/templates/{key}/publish',
  tags,
  summary: 'Freeze the draft as a new immutable version, or publish an earlier version again (rollback)',
  security,
  middleware: [requireScope('admin'), idempotent] as const,
  request: {
    params: TemplateKeyParam,
    body: { required: false, content: { 'application/json': { schema: PublishBody } } },
  },
  responses: { 200: json(TemplateSchema, 'Published'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404, 409) },
});

export const listVersionsRoute = createRoute({
  method: 'get',
  path: '/v1/templates/{key}/versions',
  tags,
  summary: 'Every published version, newest first',
  security,
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam },
  responses: {
    200: json(z.object({ data: z.array(TemplateVersionSchema) }), 'Versions'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

const PreviewResult = z
  .object({ channel: z.string(), locale: z.string(), content: z.record(z.string(), z.unknown()) })
  .openapi('TemplatePreview');

export const previewTemplateRoute = createRoute({
  method: 'post',
  path: '/v1/templates/{key}/preview',
  tags,
  summary: 'Render a channel of the draft (or a version) without sending',
  security,
  middleware: [requireScope('read')] as const,
  request: { params: TemplateKeyParam, body: jsonBody(PreviewBody) },
  responses: { 200: json(PreviewResult, 'Rendered'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export const listStartersRoute = createRoute({
  method: 'get',
  path: '/v1/starter-templates',
  tags,
  summary: 'Built-in starter templates (welcome, password reset, receipt, price drop) to copy',
  security,
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(
      z.object({
        data: z.array(
          z.object({
            key: z.string(),
            name: z.string(),
            variables: z.array(z.string()),
            locales: z.array(z.string()),
            channels: z.array(z.string()),
          }),
        ),
      }),
      'Starters',
    ),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

export function registerTemplateRoutes(app: App) {
  app.openapi(createTemplateRoute, async (c) => {
    const body = c.req.valid('json');
    const input =
      'starter' in body
        ? (() => {
            const { name, ...starter } = STARTER_TEMPLATES[body.starter]!;
            return { ...structuredClone(starter), key: body.key, name: body.name ?? name };
          })()
        : body;
    const row = await createTemplate(c.var.db, authOf(c).tenantId, input);
    await audit(c, { action: 'template.created', targetType: 'template', targetId: row.key });
    return c.json(presentTemplate(row), 201);
  });
  app.openapi(listStartersRoute, (c) =>
    c.json(
      {
        data: Object.entries(STARTER_TEMPLATES).map(([key, t]) => ({
          key,
          name: t.name,
          variables: t.variables,
          locales: Object.keys(t.locales),
          channels: [...new Set(Object.values(t.locales).flatMap((p) => Object.keys(p)))],
        })),
      },
      200,
    ),
  );
  app.openapi(listTemplatesRoute, async (c) => {
    const page = await listTemplates(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentTemplate), next: page.next }, 200);
  });
  app.openapi(getTemplateRoute, async (c) => {
    return c.json(presentTemplate(await requireTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key)), 200);
  });
  app.openapi(updateTemplateRoute, async (c) => {
    const row = await editTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key, c.req.valid('json'));
    await audit(c, {
      action: 'template.updated',
      targetType: 'template',
      targetId: row.key,
      details: { fields: Object.keys(c.req.valid('json')) },
    });
    return c.json(presentTemplate(row), 200);
  });
  app.openapi(deleteTemplateRoute, async (c) => {
    await removeTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key);
    await audit(c, { action: 'template.deleted', targetType: 'template', targetId: c.req.valid('param').key });
    return c.body(null, 204);
  });
  app.openapi(publishTemplateRoute, async (c) => {
    // The body is optional (`{}` or none publishes the draft); the JSON guard has already checked its syntax.
    const raw = await c.req.text();
    const parsed = PublishBody.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw validationError(parsed.error, 'json');
    const body = parsed.data;
    const row = await publishTemplate(c.var.db, authOf(c).tenantId, c.req.valid('param').key, body.version);
    await audit(c, {
      action: 'template.published',
      targetType: 'template',
      targetId: row.key,
      details: { version: row.publishedVersion, rollback: body.version !== undefined },
    });
    return c.json(presentTemplate(row), 200);
  });
  app.openapi(listVersionsRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const row = await requireTemplate(c.var.db, tenantId, c.req.valid('param').key);
    const versions = await listTemplateVersions(c.var.db, tenantId, row.id);
    return c.json({ data: versions.map((v) => presentVersion(v, row.publishedVersion)) }, 200);
  });
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
