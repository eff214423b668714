import type { App } from '../../context';
import { registerGetSession } from './get-session';
import { registerServeDashboardModule } from './serve-dashboard-module';
import { registerServeDashboardPage } from './serve-dashboard-page';
import { registerSignIn } from './sign-in';
import { registerSignOut } from './sign-out';

/** The tenant dashboard (docs/analytics.md): its page, its module, and cookie sign-in / sign-out. */
export function registerDashboardRoutes(app: App) {
  registerServeDashboardPage(app);
  registerServeDashboardModule(app);
  registerSignIn(app);
  registerSignOut(app);
  registerGetSession(app);
}
