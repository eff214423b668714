import { recordEngagement } from '../../../domain/analytics/record-engagement';
import { notFound } from '../../../errors';
import type { App } from '../../context';
import { trackedDelivery } from './tracked-delivery';

/** `GET /t/c/{token}`: records the click, then redirects to the link's target. */
export function registerTrackClick(app: App) {
  app.get('/t/c/:token', async (c) => {
    const d = await trackedDelivery(c, c.req.param('token'), 'click');
    const url = d.links?.[d.part as number];
    if (!url || !/^https?:\/\//i.test(url)) throw notFound('Link');
    await recordEngagement({ db: c.var.db, env: c.env, log: c.var.log }, d.tenant_id, d.provider!, [
      { deliveryId: d.deliveryId, type: 'clicked', eventKey: `nk-click:${crypto.randomUUID()}`, url },
    ]);
    return c.redirect(url, 302);
  });
}
