import type { Db } from '../../../db/client';
import { getTenantAndKeyNames } from '../../../db/queries/api-keys';

interface Who {
  tenantId: string;
  keyId: string;
  mode: string;
  scopes: string[];
}

/** Who a session is, as sign-in and `GET /dashboard/session` answer it: the ids for tools, the names for people. */
export async function sessionBody(db: Db, who: Who) {
  const names = await getTenantAndKeyNames(db, who.tenantId, who.keyId);
  return {
    tenantId: who.tenantId,
    tenantName: names?.tenantName ?? null,
    keyId: who.keyId,
    keyName: names?.keyName ?? null,
    mode: who.mode,
    scopes: who.scopes,
  };
}
