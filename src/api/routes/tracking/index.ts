import type { App } from '../../context';
import { registerTrackClick } from './track-click';
import { registerTrackOpen } from './track-open';

/**
 * Email engagement: the open pixel and click redirects (docs/analytics.md). Not under /v1: mail clients call them
 * without credentials; the signed token is the capability.
 */
export function registerTrackingRoutes(app: App) {
  registerTrackOpen(app);
  registerTrackClick(app);
}
