import { z } from 'zod';
import { type InboxCounts, MARK_CHANGES, MARK_STATES, type MarkState } from '../../db/queries/inbox';
import type { InboxMessageRow } from '../../db/schema';

/** The inbox wire protocol (docs/inbox.md): JSON text frames, every server frame carrying the stream `cursor`. */

/** Answered by the runtime without waking the object (setWebSocketAutoResponse), so byte-exact. */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';
export const WS_PROTOCOL = 'notifykit-inbox';
/** Close code for a socket whose token has expired: the client fetches a new token and reconnects. */
export const CLOSE_TOKEN_EXPIRED = 4401;
export const MAX_MARK_IDS = 1000;

export const MarkTarget = z.union([
  z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_MARK_IDS) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mark'),
    ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_MARK_IDS).optional(),
    all: z.literal(true).optional(),
    state: z.enum(MARK_STATES),
  }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export function presentInboxMessage(m: InboxMessageRow) {
  return {
    id: m.id,
    notificationId: m.notificationId,
    title: m.title,
    body: m.body,
    actionUrl: m.actionUrl,
    data: m.data,
    category: m.category,
    createdAt: m.createdAt.toISOString(),
    seenAt: m.seenAt?.toISOString() ?? null,
    readAt: m.readAt?.toISOString() ?? null,
    archivedAt: m.archivedAt?.toISOString() ?? null,
    seen: m.seenAt !== null,
    read: m.readAt !== null,
    archived: m.archivedAt !== null,
  };
}
export type InboxMessageJson = ReturnType<typeof presentInboxMessage>;

/** A committed change to one subscriber's inbox, as relayed to its Inbox object. */
export type InboxChange = { tenantId: string; subscriberId: string; seq: number; counts: InboxCounts } & (
  | { kind: 'new'; messages: (InboxMessageJson & { seq: number })[] }
  | { kind: 'updated'; ids: string[]; state: MarkState }
);

export const frames = {
  new: (cursor: number, message: InboxMessageJson) => JSON.stringify({ type: 'message.new', cursor, message }),
  updated: (cursor: number, ids: string[], changes: { seen?: boolean; read?: boolean; archived?: boolean }) =>
    JSON.stringify({ type: 'message.updated', cursor, ids, changes }),
  marked: (cursor: number, ids: string[], state: MarkState) => frames.updated(cursor, ids, MARK_CHANGES[state]),
  counts: (cursor: number, counts: InboxCounts) => JSON.stringify({ type: 'counts', cursor, ...counts }),
  error: (code: string, message: string) => JSON.stringify({ type: 'error', code, message }),
};

/** One Inbox object per tenant + subscriber (the internal id: a re-created externalId is someone else). */
export const inboxObjectName = (tenantId: string, subscriberId: string) => `${tenantId}:${subscriberId}`;
