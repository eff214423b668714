import { OpenAPIHono } from '@hono/zod-openapi';
import type { App, AppEnv } from './api/context';
import { errorHandler, routeNotFound, validationError } from './api/error-handler';
import { allowedMethodsOf } from './api/middleware/allowed-methods';
import { refuseIdempotencyKey } from './api/middleware/idempotency';
import { jsonBody } from './api/middleware/json-body';
import { inboxDemoPageSecurity } from './api/middleware/page-security';
import { requestContext } from './api/middleware/request-context';
import { apiSecurityHeaders, noStoreByDefault } from './api/middleware/security-headers';
import { subscriberCors } from './api/middleware/subscriber-cors';
import { registerOpenApiDocument } from './api/openapi-document';
import { registerAnalyticsRoutes } from './api/routes/analytics';
import { registerApiKeyRoutes } from './api/routes/api-keys';
import { registerAuditLogRoutes } from './api/routes/audit-log';
import { registerBenchRoutes } from './api/routes/bench';
import { registerBroadcastRoutes } from './api/routes/broadcasts';
import { registerDashboardRoutes } from './api/routes/dashboard';
import { registerDeadLetterRoutes } from './api/routes/dead-letters';
import { registerDocsRoutes } from './api/routes/docs';
import { registerInboundHookRoutes } from './api/routes/inbound-hooks';
import { registerInboxRoutes } from './api/routes/inbox';
import { registerInboxClientRoutes } from './api/routes/inbox-client';
import { registerLayoutRoutes } from './api/routes/layouts';
import { registerMetricsRoutes } from './api/routes/metrics';
import { registerNotificationRoutes } from './api/routes/notifications';
import { registerPreferenceRoutes } from './api/routes/preferences';
import { registerProviderRoutes } from './api/routes/providers';
import { registerSandboxRoutes } from './api/routes/sandbox';
import { registerScheduleRoutes } from './api/routes/schedules';
import { registerSettingsRoutes } from './api/routes/settings';
import { registerSubscriberRoutes } from './api/routes/subscribers';
import { registerSuppressionRoutes } from './api/routes/suppressions';
import { registerSystemRoutes } from './api/routes/system';
import { registerTemplateRoutes } from './api/routes/templates';
import { registerTenantRoutes } from './api/routes/tenants';
import { registerTopicRoutes } from './api/routes/topics';
import { registerTrackingRoutes } from './api/routes/tracking';
import { registerUnsubscribeRoutes } from './api/routes/unsubscribe';
import { registerWebhookEndpointRoutes } from './api/routes/webhook-endpoints';
import { registerWorkflowRunRoutes } from './api/routes/workflow-runs';
import { registerWorkflowRoutes } from './api/routes/workflows';

/** Builds the HTTP app: cross-cutting middleware, every route, the error envelope and the OpenAPI document. */
export function createApp(): App {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      // zod-validator passes the raw input as `data` on failure too; its type does not say so.
      if (!result.success) throw validationError(result.error, result.target, (result as { data?: unknown }).data);
    },
  });

  const allowedMethods = allowedMethodsOf(app);

  app.use('*', requestContext);
  app.use('*', apiSecurityHeaders);
  app.use('/v1/*', noStoreByDefault);
  // Subscriber-token routes are called from tenants' own sites (docs/inbox.md): any origin, bearer token only.
  const crossOrigin = subscriberCors(allowedMethods);
  for (const path of ['/v1/inbox', '/v1/inbox/*', '/v1/me/*']) app.use(path, crossOrigin);
  app.use('/demo/inbox', inboxDemoPageSecurity);
  app.use('/v1/*', jsonBody);

  registerSystemRoutes(app);
  // Idempotency-Key is claimed per tenant by authentication; signup has no tenant yet (docs/decisions.md).
  app.post('/v1/tenants', refuseIdempotencyKey);
  registerTenantRoutes(app);
  registerApiKeyRoutes(app);
  registerAuditLogRoutes(app);
  registerSubscriberRoutes(app);
  registerNotificationRoutes(app);
  registerDeadLetterRoutes(app);
  registerProviderRoutes(app);
  registerSuppressionRoutes(app);
  registerSandboxRoutes(app);
  registerTemplateRoutes(app);
  registerLayoutRoutes(app);
  registerWorkflowRoutes(app);
  registerWorkflowRunRoutes(app);
  registerPreferenceRoutes(app);
  registerWebhookEndpointRoutes(app);
  registerTopicRoutes(app);
  registerBroadcastRoutes(app);
  registerScheduleRoutes(app);
  registerAnalyticsRoutes(app);
  registerSettingsRoutes(app);
  registerMetricsRoutes(app);
  registerInboundHookRoutes(app);
  registerInboxRoutes(app);
  registerUnsubscribeRoutes(app);
  registerTrackingRoutes(app);
  registerBenchRoutes(app);
  registerInboxClientRoutes(app);
  registerDashboardRoutes(app);

  registerOpenApiDocument(app);
  registerDocsRoutes(app);

  app.notFound(routeNotFound(allowedMethods));
  app.onError(errorHandler);
  return app;
}
