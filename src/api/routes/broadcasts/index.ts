import type { App } from '../../context';
import { registerCancelBroadcast } from './cancel-broadcast';
import { registerGetBroadcast } from './get-broadcast';
import { registerListBroadcasts } from './list-broadcasts';

export function registerBroadcastRoutes(app: App) {
  registerListBroadcasts(app);
  registerGetBroadcast(app);
  registerCancelBroadcast(app);
}
