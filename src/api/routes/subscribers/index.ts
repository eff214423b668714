import type { App } from '../../context';
import { registerDeleteSubscriber } from './delete-subscriber';
import { registerExportSubscriber } from './export-subscriber';
import { registerGetSubscriber } from './get-subscriber';
import { registerListSubscribers } from './list-subscribers';
import { registerUpsertSubscriber } from './upsert-subscriber';

export function registerSubscriberRoutes(app: App) {
  registerListSubscribers(app);
  registerGetSubscriber(app);
  registerUpsertSubscriber(app);
  registerDeleteSubscriber(app);
  registerExportSubscriber(app);
}
