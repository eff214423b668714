import type { App } from '../../context';
import { registerDeleteLayout } from './delete-layout';
import { registerListLayouts } from './list-layouts';
import { registerPutLayout } from './put-layout';

export function registerLayoutRoutes(app: App) {
  registerPutLayout(app);
  registerListLayouts(app);
  registerDeleteLayout(app);
}
