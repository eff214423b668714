import type { App } from '../../context';
import { registerGetProviderHealth } from './get-provider-health';
import { registerGetSummary } from './get-summary';
import { registerGetTimeseries } from './get-timeseries';
import { registerGetUsage } from './get-usage';
import { registerGetUsageSettings } from './get-usage-settings';
import { registerUpdateUsageSettings } from './update-usage-settings';

export function registerAnalyticsRoutes(app: App) {
  registerGetSummary(app);
  registerGetTimeseries(app);
  registerGetProviderHealth(app);
  registerGetUsage(app);
  registerGetUsageSettings(app);
  registerUpdateUsageSettings(app);
}
