import type { App } from '../../context';
import { registerEndpointActions } from './endpoint-actions';
import { registerEndpointCrud } from './endpoint-crud';

export function registerWebhookEndpointRoutes(app: App) {
  registerEndpointCrud(app);
  registerEndpointActions(app);
}
