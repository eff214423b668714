import type { NewApiKey } from '../../db/queries/api-keys';
import { newId } from '../../lib/ids';
import { generateApiKey, hashApiKey, type KeyMode, keyDisplayParts } from './key-format';

export interface KeyRequest {
  tenantId: string;
  name: string;
  mode: KeyMode;
  scopes: string[];
  createdByKeyId: string | null;
}

/** A new key: the secret (shown once) and the row to store (hash + display parts only). */
export async function issueKey(req: KeyRequest): Promise<{ secret: string; row: NewApiKey }> {
  const secret = generateApiKey(req.mode);
  const row: NewApiKey = {
    id: newId('key'),
    tenantId: req.tenantId,
    name: req.name,
    mode: req.mode,
    scopes: [...new Set(req.scopes)],
    keyHash: await hashApiKey(secret),
    ...keyDisplayParts(secret),
    createdByKeyId: req.createdByKeyId,
  };
  return { secret, row };
}
