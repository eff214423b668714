import type { App } from '../../context';
import { registerHealth } from './health';
import { registerReady } from './ready';

export function registerSystemRoutes(app: App) {
  registerHealth(app);
  registerReady(app);
}
