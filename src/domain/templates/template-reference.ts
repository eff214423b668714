import type { Db } from '../../db/client';
import { getTemplateVersion, loadTemplatesByKeys } from '../../db/queries/templates';
import type { ErrorDetail } from '../../errors';

/**
 * What is wrong with a send naming template `key` (and maybe a pinned `version`), checked before anything is stored
 * (schedules, topic sends) so that every later delivery does not fail with the same reason; null when it will
 * resolve. Lookups are by tenant, so another tenant's template is unknown here too.
 */
export async function templateReferenceProblem(
  db: Db,
  tenantId: string,
  key: string,
  version: number | undefined,
): Promise<ErrorDetail | null> {
  const [row] = await loadTemplatesByKeys(db, tenantId, [key]);
  if (!row) return { path: 'body.template', message: `no template '${key}'`, code: 'unknown_template' };
  if (version !== undefined) {
    return (await getTemplateVersion(db, tenantId, row.id, version))
      ? null
      : {
          path: 'body.templateVersion',
          message: `template '${key}' has no version ${version}`,
          code: 'unknown_template_version',
        };
  }
  return row.publishedVersion === null
    ? {
        path: 'body.template',
        message: `template '${key}' has no published version: publish it first`,
        code: 'template_not_published',
      }
    : null;
}
