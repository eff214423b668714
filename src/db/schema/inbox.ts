import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tenantId, tstz } from './columns';
import { subscribers } from './subscribers';
import { tenants } from './tenants';

/**
 * In-app inbox messages: the source of truth behind the Inbox Durable Object (which only relays changes to open
 * sockets). The id is the delivery id, so writing a message twice for one delivery is impossible.
 * Seen, read and archived are independent flags (null = not set).
 */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    notificationId: text('notification_id').notNull(),
    title: text('title'),
    body: text('body'),
    actionUrl: text('action_url'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    category: text('category'),
    /** Stream position of the change that created it, and of its latest change (see inbox_state.seq). */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    updatedSeq: bigint('updated_seq', { mode: 'number' }).notNull(),
    seenAt: tstz('seen_at'),
    readAt: tstz('read_at'),
    archivedAt: tstz('archived_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('inbox_messages_feed_idx').on(t.tenantId, t.subscriberId, t.id),
    index('inbox_messages_stream_idx').on(t.tenantId, t.subscriberId, t.updatedSeq),
    index('inbox_messages_unread_idx')
      .on(t.tenantId, t.subscriberId)
      .where(sql`archived_at IS NULL AND (read_at IS NULL OR seen_at IS NULL)`),
  ],
);

/**
 * One row per subscriber with an inbox: `seq` numbers every change to that inbox. Bumping it takes the row lock,
 * so changes of one subscriber commit in seq order and counts computed after the bump are exact at that seq.
 */
export const inboxState = pgTable(
  'inbox_state',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.subscriberId] })],
);

export type InboxMessageRow = typeof inboxMessages.$inferSelect;
