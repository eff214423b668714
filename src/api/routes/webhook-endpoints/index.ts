import type { App } from '../../context';
import { registerCreateWebhookEndpoint } from './create-webhook-endpoint';
import { registerDeleteWebhookEndpoint } from './delete-webhook-endpoint';
import { registerGetWebhookEndpoint } from './get-webhook-endpoint';
import { registerListWebhookAttempts } from './list-webhook-attempts';
import { registerListWebhookEndpoints } from './list-webhook-endpoints';
import { registerReplayWebhookEvents } from './replay-webhook-events';
import { registerRotateWebhookSecret } from './rotate-webhook-secret';
import { registerTestWebhookEndpoint } from './test-webhook-endpoint';
import { registerUpdateWebhookEndpoint } from './update-webhook-endpoint';

export function registerWebhookEndpointRoutes(app: App) {
  registerCreateWebhookEndpoint(app);
  registerListWebhookEndpoints(app);
  registerGetWebhookEndpoint(app);
  registerUpdateWebhookEndpoint(app);
  registerDeleteWebhookEndpoint(app);
  registerRotateWebhookSecret(app);
  registerListWebhookAttempts(app);
  registerReplayWebhookEvents(app);
  registerTestWebhookEndpoint(app);
}
