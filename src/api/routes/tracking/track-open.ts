import { recordEngagement } from '../../../domain/analytics/record-engagement';
import type { App } from '../../context';
import { trackedDelivery } from './tracked-delivery';

/** A transparent 1×1 GIF. */
const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0));

/** `GET /t/o/{token}.gif`: the open pixel. */
export function registerTrackOpen(app: App) {
  app.get('/t/o/:file{[^/]+\\.gif}', async (c) => {
    const d = await trackedDelivery(c, c.req.param('file').replace(/\.gif$/, ''), 'open');
    await recordEngagement({ db: c.var.db, env: c.env, log: c.var.log }, d.tenant_id, d.provider!, [
      { deliveryId: d.deliveryId, type: 'opened', eventKey: `nk-open:${crypto.randomUUID()}` },
    ]);
    return c.body(PIXEL, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store, private' });
  });
}
