import type { Context } from 'hono';
import { getTrackedDelivery } from '../../../db/queries/receipts';
import { recordEngagement } from '../../../domain/analytics/record-engagement';
import { parseTrackingToken, trackingSignatureValid } from '../../../domain/analytics/tracking-token';
import { tenantSecret } from '../../../domain/subscribers/subscriber-token';
import { notFound } from '../../../errors';
import type { App, AppEnv } from '../../context';

/** A transparent 1×1 GIF. */
const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0));

/** The delivery a tracking token names, once its signature checks out with that delivery's tenant secret. */
async function trackedDelivery(c: Context<AppEnv>, token: string, kind: 'open' | 'click') {
  const parsed = parseTrackingToken(token);
  if (!parsed || (kind === 'open') !== (parsed.part === 'o')) throw notFound('Link');
  const delivery = await getTrackedDelivery(c.var.db, parsed.deliveryId);
  if (!delivery?.provider) throw notFound('Link');
  const secret = await tenantSecret(c.var.db, c.var.config, delivery.tenant_id, false);
  if (!secret || !(await trackingSignatureValid(secret, parsed))) throw notFound('Link');
  return { ...delivery, deliveryId: parsed.deliveryId, part: parsed.part };
}

/**
 * Email engagement: the open pixel and click redirects (docs/analytics.md). Not under /v1: mail clients call them
 * without credentials; the signed token is the capability.
 */
export function registerTrackingRoutes(app: App) {
  app.get('/t/o/:file{[^/]+\\.gif}', async (c) => {
    const d = await trackedDelivery(c, c.req.param('file').replace(/\.gif$/, ''), 'open');
    await recordEngagement({ db: c.var.db, env: c.env, log: c.var.log }, d.tenant_id, d.provider!, [
      { deliveryId: d.deliveryId, type: 'opened', eventKey: `nk-open:${crypto.randomUUID()}` },
    ]);
    return c.body(PIXEL, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store, private' });
  });

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
