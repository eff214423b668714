import type { AppContext } from '../../context';
import { claimDeliveries, type DeliveryToSend } from '../../db/queries/pipeline';
import type { MessageActions } from './message-action';

/** The rows this consumer now holds, and the attempt number each claim started. */
export interface Claimed {
  claimed: DeliveryToSend[];
  attemptOf: Map<string, number>;
}

/**
 * Claims the rows in one atomic statement, so that each attempt makes one provider call however often its message
 * is redelivered. Rows not claimed (canceled or taken meanwhile) are acked.
 */
export async function claim(ctx: AppContext, rows: DeliveryToSend[], actions: MessageActions): Promise<Claimed> {
  const tenantIds = [...new Set(rows.map((d) => d.tenantId))];
  const claims = await claimDeliveries(
    ctx.db,
    tenantIds,
    rows.map((d) => d.id),
  );
  const attemptOf = new Map(claims.map((c) => [c.id, c.attempts]));
  for (const d of rows) if (!attemptOf.has(d.id)) actions.set(d.id, { kind: 'ack' });
  return { claimed: rows.filter((d) => attemptOf.has(d.id)), attemptOf };
}
