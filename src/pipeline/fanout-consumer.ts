import { endBroadcast } from '../db/queries/broadcasts';
import { type FanoutContext, fanOutChunk } from '../domain/broadcasts/fan-out';
import { FanoutMessageV1 } from '../queues/messages';
import { DB_UNAVAILABLE_RETRY_SECONDS } from './retry-policy';

export const FANOUT_QUEUE = 'notify-fanout';
export const FANOUT_DLQ = 'notify-fanout-dlq';

/** notify-fanout: one chunk per message; its DLQ marks the broadcast failed so it is visible, not silently stuck. */
export async function handleFanoutBatch(batch: MessageBatch<unknown>, ctx: FanoutContext) {
  for (const message of batch.messages) {
    const parsed = FanoutMessageV1.safeParse(message.body);
    if (!parsed.success) {
      ctx.log.error('unparsable fan-out message acked', { messageId: message.id, body: message.body });
      message.ack();
      continue;
    }
    const { tenantId, broadcastId } = parsed.data;
    try {
      if (batch.queue === FANOUT_DLQ) {
        await endBroadcast(ctx.db, tenantId, broadcastId, 'failed', {
          code: 'dead_lettered',
          message: 'the fan-out could not continue after repeated failures',
        });
      } else {
        await fanOutChunk(ctx, tenantId, broadcastId);
      }
      message.ack();
    } catch (err) {
      ctx.log.error('fan-out chunk failed; retrying', { broadcastId, err });
      message.retry({ delaySeconds: DB_UNAVAILABLE_RETRY_SECONDS });
    }
  }
}
