import type { Context } from 'hono';
import type { Actor } from '../../../domain/api-keys/manage-keys';
import { type AppEnv, authOf } from '../../context';

/** The caller as the audit log records it. */
export function actorOf(c: Context<AppEnv>): Actor {
  const auth = authOf(c);
  return { tenantId: auth.tenantId, keyId: auth.keyId, requestId: c.var.requestId };
}
