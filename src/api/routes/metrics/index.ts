import type { App } from '../../context';
import { registerGetPlatformMetrics } from './get-platform-metrics';
import { registerGetTenantMetrics } from './get-tenant-metrics';

export function registerMetricsRoutes(app: App) {
  registerGetPlatformMetrics(app);
  registerGetTenantMetrics(app);
}
