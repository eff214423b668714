import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantId, timestamps, tstz } from './columns';
import { tenants } from './tenants';

/** Per-channel parts of one locale of a template (Liquid source). */
export interface TemplateParts {
  email?: { subject?: string; html?: string; text?: string };
  sms?: { text?: string };
  push?: { title?: string; body?: string; data?: Record<string, string> };
  chat?: { text?: string; blocks?: string };
  in_app?: { title?: string; body?: string; actionUrl?: string };
  webhook?: { payload?: string };
}

/** What a version freezes: required variables and the parts per locale. */
export interface TemplateContent {
  defaultLocale: string;
  variables: string[];
  locales: Record<string, TemplateParts>;
  /** Email layout key (a tenant layout or a built-in); absent = `default`, null = no layout. */
  layout?: string | null;
}

export const templates = pgTable(
  'templates',
  {
    id: text('id').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** The tenant's own key, used in sends (`template: "welcome"`). */
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** The editable draft; publishing freezes a copy as the next version. */
    draft: jsonb('draft').$type<TemplateContent>().notNull(),
    /** The version sends use unless they pin one; null until first published. */
    publishedVersion: integer('published_version'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('templates_tenant_key_uq').on(t.tenantId, t.key),
    index('templates_tenant_id_idx').on(t.tenantId, t.id),
  ],
);

export const templateVersions = pgTable(
  'template_versions',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    templateId: text('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    content: jsonb('content').$type<TemplateContent>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.version] })],
);

export type TemplateRow = typeof templates.$inferSelect;
export type TemplateVersionRow = typeof templateVersions.$inferSelect;

/** A tenant's email layout: HTML with a `{{ content }}` slot. */
export const layouts = pgTable(
  'layouts',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    html: text('html').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export type LayoutRow = typeof layouts.$inferSelect;
