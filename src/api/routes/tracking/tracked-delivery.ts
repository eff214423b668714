import type { Context } from 'hono';
import { getTrackedDelivery } from '../../../db/queries/receipts';
import { parseTrackingToken, trackingSignatureValid } from '../../../domain/analytics/tracking-token';
import { tenantSecret } from '../../../domain/subscribers/subscriber-token';
import { notFound } from '../../../errors';
import type { AppEnv } from '../../context';

/** The delivery a tracking token names, once its signature checks out with that delivery's tenant secret. */
export async function trackedDelivery(c: Context<AppEnv>, token: string, kind: 'open' | 'click') {
  const parsed = parseTrackingToken(token);
  if (!parsed || (kind === 'open') !== (parsed.part === 'o')) throw notFound('Link');
  const delivery = await getTrackedDelivery(c.var.db, parsed.deliveryId);
  if (!delivery?.provider) throw notFound('Link');
  const secret = await tenantSecret(c.var.db, c.var.config, delivery.tenant_id, false);
  if (!secret || !(await trackingSignatureValid(secret, parsed))) throw notFound('Link');
  return { ...delivery, deliveryId: parsed.deliveryId, part: parsed.part };
}
