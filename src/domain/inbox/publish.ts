import type { InboxAppended } from '../../db/queries/inbox';
import type { AppBindings } from '../../env';
import type { Logger } from '../../observability/logger';
import { type InboxChange, inboxObjectName, presentInboxMessage } from './protocol';

/**
 * Relays committed changes to the subscribers' Inbox objects. Best effort by design: Postgres already holds the
 * change, and a socket that misses a relay gets it from Postgres at the next change (a cursor gap) or reconnect.
 */
export async function publishInboxChanges(env: Pick<AppBindings, 'INBOX'>, log: Logger, changes: InboxChange[]) {
  const results = await Promise.allSettled(
    changes.map((c) => env.INBOX.getByName(inboxObjectName(c.tenantId, c.subscriberId)).publish(c)),
  );
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      log.warn('inbox relay failed; sockets catch up from Postgres', {
        tenantId: changes[i]!.tenantId,
        subscriberId: changes[i]!.subscriberId,
        err: r.reason,
      });
    }
  });
}

export const appendedChanges = (appended: InboxAppended[]): InboxChange[] =>
  appended.map((a) => ({
    kind: 'new',
    tenantId: a.tenantId,
    subscriberId: a.subscriberId,
    seq: a.seq,
    counts: a.counts,
    messages: a.messages.map((m) => ({ ...presentInboxMessage(m), seq: m.seq })),
  }));
