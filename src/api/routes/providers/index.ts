import type { App } from '../../context';
import { registerCreateProvider } from './create-provider';
import { registerDeleteProvider } from './delete-provider';
import { registerGetProvider } from './get-provider';
import { registerListProviders } from './list-providers';
import { registerRotateProviderSecret } from './rotate-provider-secret';
import { registerUpdateProvider } from './update-provider';

export function registerProviderRoutes(app: App) {
  registerListProviders(app);
  registerCreateProvider(app);
  registerGetProvider(app);
  registerUpdateProvider(app);
  registerDeleteProvider(app);
  registerRotateProviderSecret(app);
}
