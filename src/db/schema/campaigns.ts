import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { subscribers } from './subscribers';
import { tenants } from './tenants';

/** A named list of subscribers that a send or schedule can target (`to: { topic }`). */
export const topics = pgTable(
  'topics',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name'),
    ...timestamps,
  },
  (t) => [uniqueIndex('topics_tenant_key_uq').on(t.tenantId, t.key)],
);

export const topicSubscribers = pgTable(
  'topic_subscribers',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    topicId: text('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  // (topic, subscriber) order is the fan-out cursor.
  (t) => [primaryKey({ columns: [t.topicId, t.subscriberId] })],
);

export const BROADCAST_STATUSES = ['fanning_out', 'completed', 'canceled', 'failed'] as const;

/** A send to a topic: fanned out in chunks through the queue, one notification per subscriber. */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    topicId: text('topic_id').notNull(),
    topicKey: text('topic_key').notNull(),
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    /** The send request without `to`: what each subscriber's notification is made of. */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: BROADCAST_STATUSES }).notNull(),
    /** Topic members when it was accepted. */
    total: integer('total').notNull(),
    /** Last subscriber id fanned out (members are taken in id order). */
    cursor: text('cursor'),
    chunks: integer('chunks').notNull().default(0),
    scheduleId: text('schedule_id'),
    dedupeKey: text('dedupe_key'),
    /** Why it stopped early (`failed`): the send could not be planned, or its fan-out message was dead-lettered. */
    error: jsonb('error').$type<{ code: string; message: string }>(),
    completedAt: tstz('completed_at'),
    ...timestamps,
  },
  (t) => [
    index('broadcasts_tenant_idx').on(t.tenantId, t.id),
    uniqueIndex('broadcasts_dedupe_idx').on(t.tenantId, t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
  ],
);

/** A recurring send: cron (5 fields) or `every`, in an IANA time zone. */
export const schedules = pgTable(
  'schedules',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** What the tenant wrote (`cron` or `every`) and the 5-field pattern it runs on. */
    cron: text('cron'),
    every: text('every'),
    pattern: text('pattern').notNull(),
    timezone: text('timezone').notNull(),
    startAt: tstz('start_at'),
    endAt: tstz('end_at'),
    /** template, to (subscriber ids or { topic }), data, category, priority. */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    /** The key mode that created it: test schedules only ever reach the sandbox. */
    mode: text('mode', { enum: ['test', 'live'] }).notNull(),
    paused: boolean('paused').notNull().default(false),
    /** Why the last occurrence created nothing (unknown template, no subscribers …); cleared by a good run. */
    lastError: jsonb('last_error').$type<{ code: string; message: string; at: string }>(),
    /** The next occurrence to run; null when the schedule has ended. */
    nextRunAt: tstz('next_run_at'),
    lastRunAt: tstz('last_run_at'),
    ...timestamps,
  },
  (t) => [
    index('schedules_due_idx').on(t.nextRunAt).where(sql`NOT paused AND next_run_at IS NOT NULL`),
    index('schedules_tenant_idx').on(t.tenantId, t.id),
  ],
);

export type TopicRow = typeof topics.$inferSelect;
export type BroadcastRow = typeof broadcasts.$inferSelect;
export type ScheduleRow = typeof schedules.$inferSelect;
