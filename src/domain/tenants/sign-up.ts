import type { Db } from '../../db/client';
import { insertApiKey } from '../../db/queries/api-keys';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { insertTenant } from '../../db/queries/tenants';
import { newId } from '../../lib/ids';
import { issueKey } from '../api-keys/issue-key';
import { DEFAULT_SCOPES } from '../api-keys/scopes';

/**
 * Onboarding: a tenant and its first key, a **test** key with every scope, so a developer can call the API at
 * once without any chance of reaching real recipients. Live keys are created later with POST /v1/api-keys.
 * One batch = one transaction: there is never a tenant without a key.
 */
export async function signUp(db: Db, input: { name: string; email: string }, requestId: string) {
  const tenantId = newId('ten');
  const { secret, row } = await issueKey({
    tenantId,
    name: 'Default test key',
    mode: 'test',
    scopes: DEFAULT_SCOPES,
    createdByKeyId: null,
  });
  const audit = { tenantId, actorKeyId: null, requestId };
  const [[tenant], [key]] = await db.batch([
    insertTenant(db, { id: tenantId, name: input.name, email: input.email }),
    insertApiKey(db, row),
    insertAuditEntry(db, { ...audit, action: 'tenant.created', targetType: 'tenant', targetId: tenantId }),
    insertAuditEntry(db, { ...audit, action: 'api_key.created', targetType: 'api_key', targetId: row.id }),
  ]);
  return { tenant: tenant!, key: key!, secret };
}
