import { getTopicByKey } from '../../../db/queries/topics';
import { notFound } from '../../../errors';

/** The tenant's topic with this key, or a 404. */
export async function topicOf(db: Parameters<typeof getTopicByKey>[0], tenantId: string, key: string) {
  const topic = await getTopicByKey(db, tenantId, key);
  if (!topic) throw notFound('Topic');
  return topic;
}
