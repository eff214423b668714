import type { Db } from '../../db/client';
import { subjectDeliveries, subjectRecords, webhookAttemptsOf } from '../../db/queries/gdpr';
import { resolveSubject } from './data-subject';

/**
 * An export is one JSON document held in memory: beyond this many deliveries (newest kept) it says `truncated`
 * and the rest is read through GET /v1/notifications. Generous for a person; a shared system account may exceed it.
 */
export const EXPORT_DELIVERY_LIMIT = 10_000;

/** Everything held about one person of a tenant (GDPR Art. 15/20), as rows; null when nothing is held. */
export async function collectSubjectData(db: Db, tenantId: string, externalId: string) {
  const subject = await resolveSubject(db, tenantId, externalId);
  if (!subject) return null;
  const rows = await subjectDeliveries(db, subject, EXPORT_DELIVERY_LIMIT);
  const truncated = rows.length > EXPORT_DELIVERY_LIMIT;
  const deliveries = rows.slice(0, EXPORT_DELIVERY_LIMIT);
  const notificationIds = [...new Set(deliveries.map((d) => d.notificationId))];
  const records = await subjectRecords(
    db,
    subject,
    deliveries.map((d) => d.id),
    notificationIds,
  );
  const webhookAttempts = records.events.length
    ? await webhookAttemptsOf(
        db,
        tenantId,
        records.events.map((e) => e.id),
      )
    : [];
  return { subject, subscriber: subject.subscriber, deliveries, truncated, ...records, webhookAttempts };
}

export type SubjectData = NonNullable<Awaited<ReturnType<typeof collectSubjectData>>>;
