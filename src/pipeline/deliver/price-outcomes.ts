import { smsSegments, smsText } from '../../channels/sms/segments';
import type { DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import { deliveryCost } from '../../domain/analytics/pricing';

/**
 * Adds units and cost to the outcomes that were sent: SMS by segment (the provider's count when it reports one,
 * else ours from the encoding), everything else per message. The sandbox costs nothing.
 */
export function priceOutcomes(outcomes: Outcome[], rows: DeliveryToSend[]): Outcome[] {
  const byId = new Map(rows.map((d) => [d.id, d]));
  return outcomes.map((o) => {
    const d = byId.get(o.deliveryId);
    if (o.status !== 'sent' || !d) return o;
    const reported = o.attempts.at(-1)?.units ?? null;
    const units = reported ?? (d.channel === 'sms' ? smsSegments(smsText(d.content)).segments : 1);
    const cost = o.provider === 'sandbox' ? 0 : deliveryCost(d.usageSettings, d.channel, o.provider, units);
    return { ...o, units, cost };
  });
}
