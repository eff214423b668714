import { audit } from '../../audit';
import { type App, authOf } from '../../context';
import { requireScopeOrSelf } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam } from '../subscribers/schema';
import { preferencesResponse } from './preferences-response';
import { PREFERENCE_SET_EXAMPLE, PreferenceSetSchema, PreferencesResponse } from './schema';

export const putPreferencesRoute = operation({
  method: 'put',
  path: '/v1/subscribers/{externalId}/preferences',
  operationId: 'putPreferences',
  tags: ['Preferences'],
  summary: "Replace a subscriber's preferences; API key, or the subscriber's own token",
  description: 'The whole preference set is replaced; entries left out go back to allowed.',
  middleware: [requireScopeOrSelf('subscribers:write', 'preferences')] as const,
  request: { params: ExternalIdParam, body: jsonBody(PreferenceSetSchema, PREFERENCE_SET_EXAMPLE) },
  responses: { 200: json(PreferencesResponse, 'Saved'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export function registerPutPreferences(app: App) {
  app.openapi(putPreferencesRoute, async (c) => {
    const tenantId = c.get('subscriber')?.tenantId ?? authOf(c).tenantId;
    const { response, internalId } = await preferencesResponse(
      c.var.db,
      tenantId,
      c.req.valid('param').externalId,
      c.req.valid('json'),
    );
    // Changed by the tenant on the subscriber's behalf: audited (the subscriber's own changes are theirs).
    if (!c.get('subscriber')) {
      await audit(c, {
        action: 'preferences.updated',
        targetType: 'subscriber',
        targetId: internalId,
        details: { fields: Object.keys(c.req.valid('json')) },
      });
    }
    return c.json(response, 200);
  });
}
