import { createRoute } from '@hono/zod-openapi';
import { type App, authOf } from '../../context';
import { requireScopeOrSelf } from '../../middleware/subscriber-auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { ExternalIdParam } from '../subscribers/schema';
import { preferencesResponse } from './preferences-response';
import { PreferencesResponse } from './schema';

/** Either an API key, or the subscriber's own token. */
const keyOrSubscriberToken: Record<string, string[]>[] = [{ ApiKey: [] }, { SubscriberToken: [] }];

export const getPreferencesRoute = createRoute({
  method: 'get',
  path: '/v1/subscribers/{externalId}/preferences',
  tags: ['Preferences'],
  summary: "A subscriber's preferences (absent entries mean allowed); API key, or the subscriber's own token",
  security: keyOrSubscriberToken,
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
