import { and, desc, eq, inArray, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { type TemplateContent, templates, templateVersions } from '../schema';
import { type PageRequest, toPage } from './pagination';

export const insertTemplate = (db: Db, row: typeof templates.$inferInsert) =>
  db.insert(templates).values(row).returning();

export async function getTemplateByKey(db: Db, tenantId: string, key: string) {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.key, key)));
  return row;
}

export async function listTemplates(db: Db, tenantId: string, page: PageRequest) {
  const rows = await db
    .select()
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), page.after ? lt(templates.id, page.after) : undefined))
    .orderBy(desc(templates.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}

export const updateTemplate = (db: Db, tenantId: string, id: string, set: Partial<typeof templates.$inferInsert>) =>
  db
    .update(templates)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, id)))
    .returning();

export const deleteTemplate = (db: Db, tenantId: string, id: string) =>
  db.delete(templates).where(and(eq(templates.tenantId, tenantId), eq(templates.id, id)));

/** Newest first, a page at a time: `before` is the last version of the previous page. */
export async function listTemplateVersions(
  db: Db,
  tenantId: string,
  templateId: string,
  page: { limit: number; before?: number },
) {
  const rows = await db
    .select()
    .from(templateVersions)
    .where(
      and(
        eq(templateVersions.tenantId, tenantId),
        eq(templateVersions.templateId, templateId),
        page.before === undefined ? undefined : lt(templateVersions.version, page.before),
      ),
    )
    .orderBy(desc(templateVersions.version))
    .limit(page.limit + 1);
  const data = rows.slice(0, page.limit);
  return { data, next: rows.length > page.limit ? String(data.at(-1)!.version) : null };
}

export async function getTemplateVersion(db: Db, tenantId: string, templateId: string, version: number) {
  const [row] = await db
    .select()
    .from(templateVersions)
    .where(
      and(
        eq(templateVersions.tenantId, tenantId),
        eq(templateVersions.templateId, templateId),
        eq(templateVersions.version, version),
      ),
    );
  return row;
}

/** Freezes the draft as the next version and publishes it, in one statement pair (one transaction). */
export async function publishDraft(db: Db, tenantId: string, templateId: string, draft: TemplateContent) {
  const [current] = await db
    .select({ latest: max(templateVersions.version) })
    .from(templateVersions)
    .where(and(eq(templateVersions.tenantId, tenantId), eq(templateVersions.templateId, templateId)));
  const version = (current?.latest ?? 0) + 1;
  await db.batch([
    db.insert(templateVersions).values({ tenantId, templateId, version, content: draft }),
    db
      .update(templates)
      .set({ publishedVersion: version, updatedAt: new Date() })
      .where(and(eq(templates.tenantId, tenantId), eq(templates.id, templateId))),
  ]);
  return version;
}

/** For a batch of sends: templates by key with the content of the version each send resolves to. */
export async function loadTemplatesByKeys(db: Db, tenantId: string, keys: string[]) {
  if (keys.length === 0) return [];
  return db
    .select()
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), inArray(templates.key, keys)));
}

/** The frozen contents a consumer batch needs, one query for every (template, version) pair. */
export async function loadVersionContents(db: Db, pairs: { tenantId: string; templateId: string; version: number }[]) {
  if (pairs.length === 0) return [];
  const result = await db.execute<{
    tenant_id: string;
    template_id: string;
    version: number;
    content: TemplateContent;
  }>(sql`
    SELECT v.tenant_id, v.template_id, v.version, v.content FROM template_versions v
    JOIN jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) AS x("tenantId" text, "templateId" text, version int)
      ON v.tenant_id = x."tenantId" AND v.template_id = x."templateId" AND v.version = x.version`);
  return result.rows;
}
