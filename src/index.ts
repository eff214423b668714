import { createApp } from './app';
import type { AppBindings } from './env';

export { ApiRateLimiter } from './durable-objects/api-rate-limiter';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<AppBindings>;
