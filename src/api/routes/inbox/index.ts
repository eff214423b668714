import type { App } from '../../context';
import { registerConnectInboxSocket } from './connect-inbox-socket';
import { registerGetInbox } from './get-inbox';
import { registerGetInboxCounts } from './get-inbox-counts';
import { registerGetSubscriberInbox } from './get-subscriber-inbox';
import { registerMarkInbox } from './mark-inbox';

/**
 * The subscriber's own inbox, with a subscriber token (scope `inbox`), over HTTP and a WebSocket (docs/inbox.md);
 * and the tenant's view of one subscriber's inbox, with an API key.
 */
export function registerInboxRoutes(app: App) {
  registerGetInbox(app);
  registerGetInboxCounts(app);
  registerMarkInbox(app);
  registerConnectInboxSocket(app);
  registerGetSubscriberInbox(app);
}
