import { stalledBroadcasts } from '../../db/queries/broadcasts';
import { sendFanoutMessage } from '../../queues/enqueue-fanout';
import type { CronContext } from '../cron-context';

/**
 * Fan-outs whose chain stopped (a lost or failed enqueue) get a new link. A duplicate link is harmless: chunks
 * are deduplicated per subscriber and only one link can move the cursor.
 */
export async function restartStalledFanouts({ db, env, log }: CronContext) {
  const stalled = await stalledBroadcasts(db, 100);
  for (const b of stalled) await sendFanoutMessage(env, b.tenant_id, b.id);
  if (stalled.length) log.warn('stalled fan-outs restarted', { count: stalled.length });
}
