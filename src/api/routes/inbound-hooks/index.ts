import type { App } from '../../context';
import { registerGetInboundHooks } from './get-inbound-hooks';
import { registerReceiveReceipt } from './receive-receipt';
import { registerRotateInboundHooksToken } from './rotate-inbound-hooks-token';

/** Receipt URLs for a tenant's providers, and the endpoint providers post their receipts to. */
export function registerInboundHookRoutes(app: App) {
  registerGetInboundHooks(app);
  registerRotateInboundHooksToken(app);
  registerReceiveReceipt(app);
}
