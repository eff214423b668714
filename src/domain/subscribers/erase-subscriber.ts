import type { Db } from '../../db/client';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { eraseChunk, eraseSubjectRecords, nextErasureChunk } from '../../db/queries/gdpr';
import { resolveSubject } from './data-subject';

/** Deliveries per transaction: keeps each statement's row count and the transaction's locks bounded. */
const CHUNK = 2_000;

export interface ErasureReport {
  subscriberId: string | null;
  deliveries: number;
  canceled: number;
  notificationsWiped: number;
  notificationsRedacted: number;
  webhookEvents: number;
}

export interface EraseActor {
  tenantId: string;
  keyId: string | null;
  requestId: string;
}

/**
 * GDPR erasure (Art. 17) of one person of a tenant: docs/operations.md#gdpr-export-and-erasure. Idempotent steps,
 * each one transaction: the deliveries in chunks (with their notifications, attempts, events, rendered copies),
 * then everything else and the subscriber row with the audit entry. The row goes last, so a request that fails
 * half-way can simply be repeated: it finds the person again and carries on. Null when nothing is held.
 */
export async function eraseSubscriber(db: Db, actor: EraseActor, externalId: string): Promise<ErasureReport | null> {
  const subject = await resolveSubject(db, actor.tenantId, externalId);
  if (!subject) return null;
  const report: ErasureReport = {
    subscriberId: subject.subscriberId,
    deliveries: 0,
    canceled: 0,
    notificationsWiped: 0,
    notificationsRedacted: 0,
    webhookEvents: 0,
  };
  const done = new Set<string>();
  for (;;) {
    const chunk = await nextErasureChunk(db, subject, CHUNK);
    // A row seen twice means the chunk did not take (it cannot happen by design): stop rather than spin.
    if (chunk.length === 0 || chunk.some((d) => done.has(d.id))) break;
    for (const d of chunk) done.add(d.id);
    const counts = await eraseChunk(
      db,
      subject,
      chunk.map((d) => d.id),
      [...new Set(chunk.map((d) => d.notificationId))],
    );
    report.deliveries += chunk.length;
    report.canceled += counts.canceled;
    report.notificationsWiped += counts.notificationsWiped;
    report.notificationsRedacted += counts.notificationsRedacted;
    report.webhookEvents += counts.events;
  }
  const { subscriberId: _, ...counts } = report;
  await eraseSubjectRecords(
    db,
    subject,
    // Nothing personal: the internal id (meaningless once the row is gone) and counts.
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'subscriber.erased',
      targetType: 'subscriber',
      targetId: subject.subscriberId ?? 'unknown',
      requestId: actor.requestId,
      details: counts,
    }),
  );
  return report;
}
