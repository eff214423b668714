import type { App } from '../../context';
import { requireSubscriber } from '../../middleware/subscriber-auth';
import { BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { preferencesResponse } from './preferences-response';
import { PREFERENCE_SET_EXAMPLE, PreferenceSetSchema, PreferencesResponse } from './schema';

export const putMyPreferencesRoute = operation({
  method: 'put',
  path: '/v1/me/preferences',
  operationId: 'putMyPreferences',
  tags: ['Preferences'],
  summary: "Replace the calling subscriber's own preferences (subscriber token)",
  description:
    "For the tenant's own front end: the whole preference set is replaced; entries left out go back to allowed.",
  middleware: [requireSubscriber('preferences')] as const,
  request: { body: jsonBody(PreferenceSetSchema, PREFERENCE_SET_EXAMPLE) },
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
