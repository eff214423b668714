import type { App } from '../../context';
import { registerCreateCategory } from './create-category';
import { registerGetMyPreferences } from './get-my-preferences';
import { registerGetPreferences } from './get-preferences';
import { registerIssueSubscriberToken } from './issue-subscriber-token';
import { registerListCategories } from './list-categories';
import { registerPutMyPreferences } from './put-my-preferences';
import { registerPutPreferences } from './put-preferences';

export function registerPreferenceRoutes(app: App) {
  registerIssueSubscriberToken(app);
  registerGetMyPreferences(app);
  registerPutMyPreferences(app);
  registerCreateCategory(app);
  registerListCategories(app);
  registerGetPreferences(app);
  registerPutPreferences(app);
}
