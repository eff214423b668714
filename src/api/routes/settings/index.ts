import type { App } from '../../context';
import { registerGetRetention } from './get-retention';
import { registerSetRetention } from './set-retention';

export function registerSettingsRoutes(app: App) {
  registerGetRetention(app);
  registerSetRetention(app);
}
