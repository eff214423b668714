import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { errorResponses, json } from '../../openapi';
import { preferencesResponse } from './preferences-response';
import { PreferencesResponse } from './schema';

export const getMyPreferencesRoute = createRoute({
  method: 'get',
  path: '/v1/me/preferences',
  tags: ['Preferences'],
  summary: "The calling subscriber's own preferences (subscriber token)",
  security: [{ SubscriberToken: [] }],
  middleware: [requireSubscriber('preferences')] as const,
  responses: { 200: json(PreferencesResponse, 'Preferences'), ...errorResponses(401, 403, 404) },
});

export function registerGetMyPreferences(app: App) {
  app.openapi(getMyPreferencesRoute, async (c) => {
    const me = c.get('subscriber')!;
    const { response } = await preferencesResponse(c.var.db, me.tenantId, me.externalId, undefined, me.subscriberId);
    return c.json(response, 200);
  });
}
