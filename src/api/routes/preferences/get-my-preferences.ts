import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { preferencesResponse } from './preferences-response';
import { PreferencesResponse } from './schema';

export const getMyPreferencesRoute = operation({
  method: 'get',
  path: '/v1/me/preferences',
  operationId: 'getMyPreferences',
  tags: ['Preferences'],
  summary: "The calling subscriber's own preferences (subscriber token)",
  description: "For the tenant's own front end: the subscriber is taken from the token, so no id is sent.",
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
