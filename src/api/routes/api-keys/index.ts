import type { App } from '../../context';
import { registerCreateApiKey } from './create-api-key';
import { registerListApiKeys } from './list-api-keys';
import { registerRevokeApiKey } from './revoke-api-key';
import { registerRollApiKey } from './roll-api-key';

export function registerApiKeyRoutes(app: App) {
  registerListApiKeys(app);
  registerCreateApiKey(app);
  registerRevokeApiKey(app);
  registerRollApiKey(app);
}
