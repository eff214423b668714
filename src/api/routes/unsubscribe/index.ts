import type { App } from '../../context';
import { registerConfirmUnsubscribe } from './confirm-unsubscribe';
import { registerUnsubscribeOneClick } from './unsubscribe-one-click';

/**
 * `/u/{token}`: POST unsubscribes at once (mail clients' one-click, RFC 8058; no login); GET shows a confirmation
 * page with a button, because link scanners and previews follow GETs and must not unsubscribe anyone.
 */
export function registerUnsubscribeRoutes(app: App) {
  registerConfirmUnsubscribe(app);
  registerUnsubscribeOneClick(app);
}
