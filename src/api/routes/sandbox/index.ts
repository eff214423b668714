import type { App } from '../../context';
import { registerListSandboxMessages } from './list-sandbox-messages';

export function registerSandboxRoutes(app: App) {
  registerListSandboxMessages(app);
}
