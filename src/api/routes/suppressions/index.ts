import type { App } from '../../context';
import { registerDeleteSuppression } from './delete-suppression';
import { registerListSuppressions } from './list-suppressions';

export function registerSuppressionRoutes(app: App) {
  registerListSuppressions(app);
  registerDeleteSuppression(app);
}
