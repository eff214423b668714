import { createApp } from './app';
import { handleScheduled } from './cron/scheduled';
import type { AppBindings } from './env';
import { handleQueueBatch } from './pipeline/consumer';

export { ApiRateLimiter } from './durable-objects/api-rate-limiter';
export { RecipientLimiter } from './durable-objects/recipient-limiter';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueueBatch(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<AppBindings>;
