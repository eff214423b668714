import { createApp } from './app';
import { handleScheduled } from './cron/scheduled';
import type { AppBindings } from './env';
import { handleQueueBatch } from './pipeline/consumer';

export { ApiRateLimiter } from './durable-objects/api-rate-limiter';
export { InboxHub } from './durable-objects/inbox-hub';
export { ProviderCircuit } from './durable-objects/provider-circuit';
export { RecipientLimiter } from './durable-objects/recipient-limiter';

const app = createApp();

export default {
  fetch: app.fetch,
  // The execution context is unused: every handler awaits its own work before returning.
  queue: (batch, env, _ctx) => handleQueueBatch(batch, env),
  scheduled: (controller, env, _ctx) => handleScheduled(controller, env),
} satisfies ExportedHandler<AppBindings>;
