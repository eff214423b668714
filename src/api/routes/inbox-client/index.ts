import type { App } from '../../context';
import { registerServeInboxDemo } from './serve-inbox-demo';
import { registerServeInboxSdk } from './serve-inbox-sdk';

/** The browser client for the in-app inbox (`/sdk/inbox.js`) and a page that uses it (`/demo/inbox`). */
export function registerInboxClientRoutes(app: App) {
  registerServeInboxSdk(app);
  registerServeInboxDemo(app);
}
