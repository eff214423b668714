import { createRoute, z } from '@hono/zod-openapi';
import { deleteLayout, listLayouts, upsertLayout } from '../../../db/queries/layouts';
import { BUILT_IN_LAYOUTS } from '../../../domain/templates/built-ins';
import { notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';

const LayoutSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    html: z.string(),
    builtIn: z.boolean(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('Layout');

const KeyParam = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/)
    .openapi({ param: { name: 'key', in: 'path' }, example: 'brand' }),
});

const LayoutBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    html: z
      .string()
      .max(200_000)
      .refine((h) => /\{\{\s*content\s*\}\}/.test(h), 'must contain the {{ content }} slot'),
  })
  .strict()
  .openapi('PutLayoutRequest');

const putRoute = createRoute({
  method: 'put',
  path: '/v1/layouts/{key}',
  tags: ['Templates'],
  summary: 'Create or replace an email layout (HTML with a {{ content }} slot); a key of a built-in overrides it',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: KeyParam, body: jsonBody(LayoutBody) },
  responses: { 200: json(LayoutSchema, 'Saved'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS) },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/layouts',
  tags: ['Templates'],
  summary: "The tenant's layouts and the built-in ones",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: { 200: json(z.object({ data: z.array(LayoutSchema) }), 'Layouts'), ...errorResponses(...AUTHED_ERRORS) },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/layouts/{key}',
  tags: ['Templates'],
  summary: 'Delete a tenant layout (templates using it then fail to render until it exists again)',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: KeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerLayoutRoutes(app: App) {
  app.openapi(putRoute, async (c) => {
    const row = await upsertLayout(c.var.db, authOf(c).tenantId, c.req.valid('param').key, c.req.valid('json'));
    return c.json(
      { key: row.key, name: row.name, html: row.html, builtIn: false, updatedAt: row.updatedAt.toISOString() },
      200,
    );
  });
  app.openapi(listRoute, async (c) => {
    const own = await listLayouts(c.var.db, authOf(c).tenantId);
    const builtIns = Object.entries(BUILT_IN_LAYOUTS)
      .filter(([key]) => !own.some((l) => l.key === key))
      .map(([key, html]) => ({ key, name: `Built-in ${key}`, html, builtIn: true, updatedAt: null }));
    const data = [
      ...own.map((l) => ({
        key: l.key,
        name: l.name,
        html: l.html,
        builtIn: false,
        updatedAt: l.updatedAt.toISOString(),
      })),
      ...builtIns,
    ];
    return c.json({ data }, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    const [deleted] = await deleteLayout(c.var.db, authOf(c).tenantId, c.req.valid('param').key);
    if (!deleted) throw notFound('Layout');
    return c.body(null, 204);
  });
}
