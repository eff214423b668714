import type { App } from '../../context';
import { registerSignUp } from './sign-up';

export function registerTenantRoutes(app: App) {
  registerSignUp(app);
}
