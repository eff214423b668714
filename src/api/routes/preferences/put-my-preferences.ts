import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { preferencesResponse } from './preferences-response';
import { PreferenceSetSchema, PreferencesResponse } from './schema';

export const putMyPreferencesRoute = createRoute({
  method: 'put',
  path: '/v1/me/preferences',
  tags: ['Preferences'],
  summary: "Replace the calling subscriber's own preferences (subscriber token)",
  security: [{ SubscriberToken: [] }],
  middleware: [requireSubscriber('preferences')] as const,
  request: { body: jsonBody(PreferenceSetSchema) },
  responses: { 200: json(PreferencesResponse, 'Saved'), ...errorResponses(401, 403, 404, ...BODY_ERRORS) },
});

export function registerPutMyPreferences(app: App) {
  app.openapi(putMyPreferencesRoute, async (c) => {
    const me = c.get('subscriber')!;
    const body = c.req.valid('json');
    const { response } = await preferencesResponse(c.var.db, me.tenantId, me.externalId, body, me.subscriberId);
    return c.json(response, 200);
  });
}
