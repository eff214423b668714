import type { App } from '../../context';
import { registerDashboardPageRoutes } from './dashboard-page-routes';
import { registerDashboardSessionRoutes } from './session-routes';

/** The tenant dashboard (docs/analytics.md): its page, its module, and cookie sign-in / sign-out. */
export function registerDashboardRoutes(app: App) {
  registerDashboardPageRoutes(app);
  registerDashboardSessionRoutes(app);
}
