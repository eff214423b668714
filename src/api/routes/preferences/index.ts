import { createRoute, z } from '@hono/zod-openapi';
import { getPreferences, insertCategory, listCategories, putPreferences } from '../../../db/queries/preferences';
import { getSubscriber } from '../../../db/queries/subscribers';
import { type CategoryRow, CHANNELS } from '../../../db/schema';
import { ApiError, notFound } from '../../../errors';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { idempotent } from '../../middleware/idempotency';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { ExternalIdParam } from '../subscribers/schema';

const CategorySchema = z
  .object({ key: z.string(), name: z.string(), critical: z.boolean(), createdAt: z.iso.datetime() })
  .openapi('Category');

const CreateCategoryBody = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, ".", "_" and "-"'),
    name: z.string().trim().min(1).max(200),
    critical: z
      .boolean()
      .default(false)
      .openapi({ description: 'Bypasses opt-outs (and quiet hours): security alerts, password resets' }),
  })
  .strict()
  .openapi('CreateCategoryRequest');

const channelSwitches = z.partialRecord(z.enum(CHANNELS), z.boolean());

const PreferenceSetSchema = z
  .object({
    optOut: z.boolean().optional().openapi({ description: 'Stops every non-critical notification' }),
    channels: channelSwitches.optional(),
    categories: z
      .record(
        z.string().max(100),
        z.object({ enabled: z.boolean().optional(), channels: channelSwitches.optional() }).strict(),
      )
      .optional(),
  })
  .strict()
  .openapi('PreferenceSet');

const presentCategory = (c: CategoryRow): z.infer<typeof CategorySchema> => ({
  key: c.key,
  name: c.name,
  critical: c.critical,
  createdAt: c.createdAt.toISOString(),
});

const createCategoryRoute = createRoute({
  method: 'post',
  path: '/v1/categories',
  tags: ['Preferences'],
  summary: 'Create a notification category',
  security: bearerSecurity,
  middleware: [requireScope('admin'), idempotent] as const,
  request: { body: jsonBody(CreateCategoryBody) },
  responses: { 201: json(CategorySchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/v1/categories',
  tags: ['Preferences'],
  summary: "The tenant's categories",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(z.object({ data: z.array(CategorySchema) }), 'Categories'),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

const PreferencesResponse = z
  .object({
    subscriberId: z.string(),
    externalId: z.string(),
    preferences: PreferenceSetSchema,
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi('SubscriberPreferences');

const getPreferencesRoute = createRoute({
  method: 'get',
  path: '/v1/subscribers/{externalId}/preferences',
  tags: ['Preferences'],
  summary: "A subscriber's preferences (absent entries mean allowed)",
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: ExternalIdParam },
  responses: { 200: json(PreferencesResponse, 'Preferences'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

const putPreferencesRoute = createRoute({
  method: 'put',
  path: '/v1/subscribers/{externalId}/preferences',
  tags: ['Preferences'],
  summary: "Replace a subscriber's preferences",
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: { params: ExternalIdParam, body: jsonBody(PreferenceSetSchema) },
  responses: { 200: json(PreferencesResponse, 'Saved'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerPreferenceRoutes(app: App) {
  app.openapi(createCategoryRoute, async (c) => {
    const created = await insertCategory(c.var.db, { tenantId: authOf(c).tenantId, ...c.req.valid('json') });
    if (!created) throw new ApiError('conflict', `Category '${c.req.valid('json').key}' already exists`);
    return c.json(presentCategory(created), 201);
  });
  app.openapi(listCategoriesRoute, async (c) => {
    return c.json({ data: (await listCategories(c.var.db, authOf(c).tenantId)).map(presentCategory) }, 200);
  });
  app.openapi(getPreferencesRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const sub = await getSubscriber(c.var.db, tenantId, c.req.valid('param').externalId);
    if (!sub) throw notFound('Subscriber');
    const row = await getPreferences(c.var.db, tenantId, sub.id);
    return c.json(
      {
        subscriberId: sub.id,
        externalId: sub.externalId,
        preferences: row?.preferences ?? {},
        updatedAt: row?.updatedAt.toISOString() ?? null,
      },
      200,
    );
  });
  app.openapi(putPreferencesRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const sub = await getSubscriber(c.var.db, tenantId, c.req.valid('param').externalId);
    if (!sub) throw notFound('Subscriber');
    const row = await putPreferences(c.var.db, tenantId, sub.id, c.req.valid('json'));
    return c.json(
      {
        subscriberId: sub.id,
        externalId: sub.externalId,
        preferences: row.preferences,
        updatedAt: row.updatedAt.toISOString(),
      },
      200,
    );
  });
}
