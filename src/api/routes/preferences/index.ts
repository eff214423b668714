import { createRoute, z } from '@hono/zod-openapi';
import { getPreferences, insertCategory, listCategories, putPreferences } from '../../../db/queries/preferences';
import { getSubscriber } from '../../../db/queries/subscribers';
import { type CategoryRow, CHANNELS, type PreferenceSet } from '../../../db/schema';
import { HH_MM } from '../../../domain/preferences/quiet-hours';
import {
  issueSubscriberToken,
  MAX_TOKEN_TTL_SECONDS,
  SUBSCRIBER_SCOPES,
} from '../../../domain/subscribers/subscriber-token';
import { ApiError, notFound } from '../../../errors';
import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { validationError } from '../../error-handler';
import { requireScope } from '../../middleware/auth';
import { idempotent } from '../../middleware/idempotency';
import { requireScopeOrSelf, requireSubscriber } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, BODY_ERRORS, bearerSecurity, errorResponses, json, jsonBody } from '../../openapi';
import { ExternalIdParam } from '../subscribers/schema';

const CapSchema = z.object({
  limit: z.number().int().min(1).max(10_000),
  periodSeconds: z
    .number()
    .int()
    .min(60)
    .max(31 * 86400),
});

const CategorySchema = z
  .object({
    key: z.string(),
    name: z.string(),
    critical: z.boolean(),
    frequencyCap: z
      .object({ limit: z.number(), periodSeconds: z.number(), onExceed: z.string().optional() })
      .nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Category');

const CreateCategoryBody = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, ".", "_" and "-"'),
    name: z.string().trim().min(1).max(200),
    critical: z
      .boolean()
      .default(false)
      .openapi({ description: 'Bypasses opt-outs, quiet hours and caps: security alerts, password resets' }),
    frequencyCap: CapSchema.extend({ onExceed: z.enum(['suppress', 'defer']).default('suppress') })
      .strict()
      .optional()
      .openapi({ description: 'At most `limit` per subscriber and channel per `periodSeconds`' }),
  })
  .strict()
  .openapi('CreateCategoryRequest');

const channelSwitches = z.partialRecord(z.enum(CHANNELS), z.boolean());

const PreferenceSetSchema = z
  .object({
    optOut: z.boolean().optional().openapi({ description: 'Stops every non-critical notification' }),
    quietHours: z
      .object({
        start: z.string().regex(HH_MM, 'HH:MM'),
        end: z.string().regex(HH_MM, 'HH:MM'),
        channels: z.array(z.enum(CHANNELS)).min(1).optional(),
      })
      .strict()
      .optional()
      .openapi({
        description: "e.g. 22:00–07:00 in the subscriber's timezone; non-critical deliveries wait until it ends",
      }),
    frequencyCaps: z
      .record(z.string().max(100), CapSchema.strict())
      .optional()
      .openapi({ description: "The subscriber's own cap per category (overrides the category's)" }),
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

type Prefs = z.infer<typeof PreferenceSetSchema>;

/** Reads (or, with `replace`, first writes) a subscriber's preferences and shapes the response. */
async function preferencesResponse(
  db: Parameters<typeof getSubscriber>[0],
  tenantId: string,
  externalId: string,
  replace?: PreferenceSet,
  /** A subscriber token names one subscriber: a later subscriber reusing the externalId is someone else. */
  expectedSubscriberId?: string,
): Promise<z.infer<typeof PreferencesResponse>> {
  const sub = await getSubscriber(db, tenantId, externalId);
  if (!sub || (expectedSubscriberId && sub.id !== expectedSubscriberId)) throw notFound('Subscriber');
  const row = replace
    ? await putPreferences(db, tenantId, sub.id, replace)
    : await getPreferences(db, tenantId, sub.id);
  return {
    subscriberId: sub.id,
    externalId: sub.externalId,
    preferences: (row?.preferences ?? {}) as Prefs,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

const keyOrSubscriberToken: Record<string, string[]>[] = [{ ApiKey: [] }, { SubscriberToken: [] }];

const presentCategory = (c: CategoryRow): z.infer<typeof CategorySchema> => ({
  key: c.key,
  name: c.name,
  critical: c.critical,
  frequencyCap: c.frequencyCap,
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
  summary: "A subscriber's preferences (absent entries mean allowed); API key, or the subscriber's own token",
  security: keyOrSubscriberToken,
  middleware: [requireScopeOrSelf('read', 'preferences')] as const,
  request: { params: ExternalIdParam },
  responses: { 200: json(PreferencesResponse, 'Preferences'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

const putPreferencesRoute = createRoute({
  method: 'put',
  path: '/v1/subscribers/{externalId}/preferences',
  tags: ['Preferences'],
  summary: "Replace a subscriber's preferences; API key, or the subscriber's own token",
  security: keyOrSubscriberToken,
  middleware: [requireScopeOrSelf('subscribers:write', 'preferences')] as const,
  request: { params: ExternalIdParam, body: jsonBody(PreferenceSetSchema) },
  responses: { 200: json(PreferencesResponse, 'Saved'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

const TokenBody = z
  .object({
    ttlSeconds: z.number().int().min(60).max(MAX_TOKEN_TTL_SECONDS).default(3600),
    scopes: z.array(z.enum(SUBSCRIBER_SCOPES)).min(1).default(['preferences', 'inbox']),
  })
  .strict()
  .openapi('SubscriberTokenRequest');

const issueTokenRoute = createRoute({
  method: 'post',
  path: '/v1/subscribers/{externalId}/token',
  tags: ['Preferences'],
  summary: 'Issue a short-lived subscriber token (JWT) for your front end',
  security: bearerSecurity,
  middleware: [requireScope('subscribers:write')] as const,
  request: {
    params: ExternalIdParam,
    body: { required: false, content: { 'application/json': { schema: TokenBody } } },
  },
  responses: {
    201: json(z.object({ token: z.string(), expiresAt: z.iso.datetime() }).openapi('SubscriberToken'), 'Issued'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404),
  },
});

const myPreferencesRoute = createRoute({
  method: 'get',
  path: '/v1/me/preferences',
  tags: ['Preferences'],
  summary: "The calling subscriber's own preferences (subscriber token)",
  security: [{ SubscriberToken: [] }],
  middleware: [requireSubscriber('preferences')] as const,
  responses: { 200: json(PreferencesResponse, 'Preferences'), ...errorResponses(401, 403, 404) },
});

const putMyPreferencesRoute = createRoute({
  method: 'put',
  path: '/v1/me/preferences',
  tags: ['Preferences'],
  summary: "Replace the calling subscriber's own preferences (subscriber token)",
  security: [{ SubscriberToken: [] }],
  middleware: [requireSubscriber('preferences')] as const,
  request: { body: jsonBody(PreferenceSetSchema) },
  responses: { 200: json(PreferencesResponse, 'Saved'), ...errorResponses(401, 403, 404, ...BODY_ERRORS) },
});

export function registerPreferenceRoutes(app: App) {
  app.openapi(issueTokenRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const sub = await getSubscriber(c.var.db, tenantId, c.req.valid('param').externalId);
    if (!sub) throw notFound('Subscriber');
    const raw = await c.req.text();
    const parsed = TokenBody.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw validationError(parsed.error, 'json');
    const issued = await issueSubscriberToken(
      c.var.db,
      c.var.config,
      { tenantId, subscriberId: sub.id, externalId: sub.externalId, scopes: parsed.data.scopes },
      parsed.data.ttlSeconds,
    );
    return c.json(issued, 201);
  });
  app.openapi(myPreferencesRoute, async (c) => {
    const me = c.get('subscriber')!;
    return c.json(await preferencesResponse(c.var.db, me.tenantId, me.externalId, undefined, me.subscriberId), 200);
  });
  app.openapi(putMyPreferencesRoute, async (c) => {
    const me = c.get('subscriber')!;
    return c.json(
      await preferencesResponse(c.var.db, me.tenantId, me.externalId, c.req.valid('json'), me.subscriberId),
      200,
    );
  });
  app.openapi(createCategoryRoute, async (c) => {
    const created = await insertCategory(c.var.db, { tenantId: authOf(c).tenantId, ...c.req.valid('json') });
    if (!created) throw new ApiError('conflict', `Category '${c.req.valid('json').key}' already exists`);
    await audit(c, { action: 'category.created', targetType: 'category', targetId: created.key });
    return c.json(presentCategory(created), 201);
  });
  app.openapi(listCategoriesRoute, async (c) => {
    return c.json({ data: (await listCategories(c.var.db, authOf(c).tenantId)).map(presentCategory) }, 200);
  });
  app.openapi(getPreferencesRoute, async (c) => {
    const tenantId = c.get('subscriber')?.tenantId ?? authOf(c).tenantId;
    return c.json(await preferencesResponse(c.var.db, tenantId, c.req.valid('param').externalId), 200);
  });
  app.openapi(putPreferencesRoute, async (c) => {
    const tenantId = c.get('subscriber')?.tenantId ?? authOf(c).tenantId;
    const result = await preferencesResponse(c.var.db, tenantId, c.req.valid('param').externalId, c.req.valid('json'));
    // Changed by the tenant on the subscriber's behalf: audited (the subscriber's own changes are theirs).
    if (!c.get('subscriber')) {
      await audit(c, {
        action: 'preferences.updated',
        targetType: 'subscriber',
        targetId: result.subscriberId,
        details: { fields: Object.keys(c.req.valid('json')) },
      });
    }
    return c.json(result, 200);
  });
}
