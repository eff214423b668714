import { broadcastProgress, getBroadcast } from '../../../db/queries/broadcasts';
import { notFound } from '../../../errors';
import { presentBroadcast } from './schema';

/** A broadcast as the API shows it, with its progress counted now. */
export async function broadcastWithProgress(db: Parameters<typeof getBroadcast>[0], tenantId: string, id: string) {
  const b = await getBroadcast(db, tenantId, id);
  if (!b) throw notFound('Broadcast');
  const p = await broadcastProgress(db, tenantId, id);
  const { notifications, ...rest } = p;
  return { ...presentBroadcast(b), progress: { enqueued: notifications, ...rest } };
}
