import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { tenantHasLayout } from '../../db/queries/layouts';
import {
  deleteTemplate,
  getTemplateByKey,
  getTemplateVersion,
  insertTemplate,
  publishDraft,
  updateTemplate,
} from '../../db/queries/templates';
import type { TemplateContent } from '../../db/schema';
import { ApiError, notFound } from '../../errors';
import { newId } from '../../lib/ids';
import { BUILT_IN_LAYOUTS } from './built-ins';

/**
 * A template's layout must exist when it is saved or published, or every email send would fail to render.
 * Absent means the built-in `default`, null means none; otherwise the tenant's own layout or a built-in. Only the
 * caller's tenant is searched, so another tenant's layout key is as unknown as one nobody has.
 */
export async function requireLayout(db: Db, tenantId: string, layout: string | null | undefined, path: string) {
  if (layout === null || layout === undefined || Object.hasOwn(BUILT_IN_LAYOUTS, layout)) return;
  if (await tenantHasLayout(db, tenantId, layout)) return;
  throw new ApiError('validation_failed', `Unknown layout '${layout}'`, [
    { path, message: `no layout '${layout}': create it with PUT /v1/layouts/${layout} first`, code: 'unknown_layout' },
  ]);
}

export async function createTemplate(db: Db, tenantId: string, input: TemplateContent & { key: string; name: string }) {
  const { key, name, ...draft } = input;
  await requireLayout(db, tenantId, draft.layout, 'body.layout');
  try {
    const [row] = await insertTemplate(db, { id: newId('tpl'), tenantId, key, name, draft });
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError('conflict', `A template with key '${key}' already exists`);
    throw err;
  }
}

export async function requireTemplate(db: Db, tenantId: string, key: string) {
  const row = await getTemplateByKey(db, tenantId, key);
  if (!row) throw notFound('Template');
  return row;
}

/** Edits change the draft only; sends keep using the published version until the next publish. */
export async function editTemplate(
  db: Db,
  tenantId: string,
  key: string,
  patch: {
    name?: string | undefined;
    defaultLocale?: string | undefined;
    variables?: string[] | undefined;
    locales?: TemplateContent['locales'] | undefined;
    layout?: string | null | undefined;
  },
) {
  const row = await requireTemplate(db, tenantId, key);
  const draft: TemplateContent = {
    defaultLocale: patch.defaultLocale ?? row.draft.defaultLocale,
    variables: patch.variables ?? row.draft.variables,
    locales: patch.locales ?? row.draft.locales,
    layout: 'layout' in patch ? (patch.layout ?? null) : row.draft.layout,
  };
  if (!draft.locales[draft.defaultLocale]) {
    throw new ApiError('validation_failed', 'The draft needs its default locale', [
      { path: 'body.locales', message: `needs the default locale '${draft.defaultLocale}'` },
    ]);
  }
  if ('layout' in patch) await requireLayout(db, tenantId, draft.layout, 'body.layout');
  const [updated] = await updateTemplate(db, tenantId, row.id, { draft, ...(patch.name ? { name: patch.name } : {}) });
  return updated!;
}

/** Without a version: freeze the draft as a new immutable version. With one: publish that version again (rollback). */
export async function publishTemplate(db: Db, tenantId: string, key: string, version: number | undefined) {
  const row = await requireTemplate(db, tenantId, key);
  if (version !== undefined) {
    const frozen = await getTemplateVersion(db, tenantId, row.id, version);
    if (!frozen) throw notFound(`Version ${version}`);
    await requireLayout(db, tenantId, frozen.content.layout, 'version.layout');
    const [updated] = await updateTemplate(db, tenantId, row.id, { publishedVersion: version });
    return updated!;
  }
  await requireLayout(db, tenantId, row.draft.layout, 'draft.layout');
  try {
    const published = await publishDraft(db, tenantId, row.id, row.draft);
    return { ...row, publishedVersion: published };
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError('conflict', 'Another publish of this template is in progress; retry');
    throw err;
  }
}

export async function removeTemplate(db: Db, tenantId: string, key: string) {
  const row = await requireTemplate(db, tenantId, key);
  await deleteTemplate(db, tenantId, row.id);
}
