import type { z } from 'zod';
import { configurableProvider } from '../../channels/registry';
import type { Db } from '../../db/client';
import { insertAuditEntry } from '../../db/queries/audit-log';
import {
  deleteProviderConfig,
  getProviderConfig,
  insertProviderConfig,
  updateProviderConfig,
} from '../../db/queries/providers';
import type { AppConfig } from '../../env';
import { ApiError, notFound } from '../../errors';
import { cipherKeysOf, credentialsFingerprint, encryptCredentials } from '../../lib/credentials-cipher';
import { newId } from '../../lib/ids';
import type { Actor } from '../api-keys/manage-keys';

/** Validates credentials against the provider's own schema: a typo is a 422 now, not a failed send later. */
function checkCredentials(providerId: string, credentials: unknown) {
  const provider = configurableProvider(providerId);
  if (!provider) throw new ApiError('validation_failed', `Unknown provider '${providerId}'`);
  const parsed = (provider.credentials as z.ZodType).safeParse(credentials);
  if (!parsed.success) {
    // Paths only, never values: credentials must not echo back, even in errors.
    throw new ApiError(
      'validation_failed',
      `Invalid credentials for ${providerId}`,
      parsed.error.issues.map((i) => ({
        path: ['body', 'credentials', ...i.path.map(String)].join('.'),
        message: i.message,
        code: i.code,
      })),
    );
  }
  return { provider, credentials: parsed.data as unknown };
}

async function seal(config: AppConfig, tenantId: string, credentials: unknown) {
  const { keyId, ciphertext } = await encryptCredentials(cipherKeysOf(config), tenantId, credentials);
  return { keyId, credentialsCiphertext: ciphertext, fingerprint: await credentialsFingerprint(credentials) };
}

export interface ProviderInput {
  channel: string;
  provider: string;
  name: string;
  credentials: unknown;
  priority: number;
  enabled: boolean;
}

export async function createProvider(db: Db, config: AppConfig, actor: Actor, input: ProviderInput) {
  const { provider, credentials } = checkCredentials(input.provider, input.credentials);
  if (provider.channel !== input.channel) {
    throw new ApiError('validation_failed', `${input.provider} is a ${provider.channel} provider`, [
      { path: 'body.channel', message: `must be '${provider.channel}' for ${input.provider}` },
    ]);
  }
  const id = newId('prv');
  const [[row]] = await db.batch([
    insertProviderConfig(db, {
      id,
      tenantId: actor.tenantId,
      channel: input.channel,
      provider: input.provider,
      name: input.name,
      priority: input.priority,
      enabled: input.enabled,
      ...(await seal(config, actor.tenantId, credentials)),
    }),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'provider.created',
      targetType: 'provider',
      targetId: id,
      requestId: actor.requestId,
      details: { channel: input.channel, provider: input.provider, name: input.name },
    }),
  ]);
  return row!;
}

export async function updateProvider(
  db: Db,
  config: AppConfig,
  actor: Actor,
  id: string,
  patch: Partial<Pick<ProviderInput, 'name' | 'credentials' | 'priority' | 'enabled'>>,
) {
  const existing = await getProviderConfig(db, actor.tenantId, id);
  if (!existing) throw notFound('Provider');
  const sealed =
    patch.credentials !== undefined
      ? await seal(config, actor.tenantId, checkCredentials(existing.provider, patch.credentials).credentials)
      : {};
  const { credentials: _omit, ...rest } = patch;
  const [[row]] = await db.batch([
    updateProviderConfig(db, actor.tenantId, id, { ...rest, ...sealed }),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'provider.updated',
      targetType: 'provider',
      targetId: id,
      requestId: actor.requestId,
      details: { fields: Object.keys(patch) },
    }),
  ]);
  return row!;
}

export async function deleteProvider(db: Db, actor: Actor, id: string) {
  if (!(await getProviderConfig(db, actor.tenantId, id))) throw notFound('Provider');
  await db.batch([
    deleteProviderConfig(db, actor.tenantId, id),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'provider.deleted',
      targetType: 'provider',
      targetId: id,
      requestId: actor.requestId,
    }),
  ]);
}
