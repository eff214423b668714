import type { App } from '../../context';
import { registerCancelNotification } from './cancel-notification';
import { registerGetNotification } from './get-notification';
import { registerListNotifications } from './list-notifications';
import { registerRescheduleNotification } from './reschedule-notification';
import { registerSendBulk } from './send-bulk';
import { registerSendNotification } from './send-notification';

export function registerNotificationRoutes(app: App) {
  registerSendBulk(app); // before /{id} routes so "bulk" is never read as an id
  registerSendNotification(app);
  registerListNotifications(app);
  registerGetNotification(app);
  registerCancelNotification(app);
  registerRescheduleNotification(app);
}
