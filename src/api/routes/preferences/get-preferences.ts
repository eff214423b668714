import { type App, authOf } from '../../context';
import { requireScopeOrSelf } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { ExternalIdParam } from '../subscribers/schema';
import { preferencesResponse } from './preferences-response';
import { PreferencesResponse } from './schema';

export const getPreferencesRoute = operation({
  method: 'get',
  path: '/v1/subscribers/{externalId}/preferences',
  operationId: 'getPreferences',
  tags: ['Preferences'],
  summary: "A subscriber's preferences (absent entries mean allowed); API key, or the subscriber's own token",
  description: 'Per category and channel; an entry that is absent means the subscriber has not opted out.',
  middleware: [requireScopeOrSelf('read', 'preferences')] as const,
  request: { params: ExternalIdParam },
  responses: { 200: json(PreferencesResponse, 'Preferences'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

export function registerGetPreferences(app: App) {
  app.openapi(getPreferencesRoute, async (c) => {
    const tenantId = c.get('subscriber')?.tenantId ?? authOf(c).tenantId;
    const { response } = await preferencesResponse(c.var.db, tenantId, c.req.valid('param').externalId);
    return c.json(response, 200);
  });
}
