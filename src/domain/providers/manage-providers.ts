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
import {
  cipherKeysOf,
  credentialsFingerprint,
  decryptCredentials,
  encryptCredentials,
} from '../../lib/credentials-cipher';
import { newId } from '../../lib/ids';
import { newSigningSecret, rotated, SigningSecretsSchema } from '../../lib/standard-webhooks';
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

/**
 * Creates a configuration. A provider whose credential is a signing secret we generate answers that secret here,
 * once (`signingSecret`); it is kept only sealed.
 */
export async function createProvider(db: Db, config: AppConfig, actor: Actor, input: ProviderInput) {
  const checked = checkCredentials(input.provider, input.credentials);
  const provider = checked.provider;
  const signingSecret = provider.generatesSigningSecret ? newSigningSecret() : undefined;
  const credentials = signingSecret ? { current: signingSecret } : checked.credentials;
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
  return { row: row!, signingSecret };
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
  if (patch.credentials !== undefined && configurableProvider(existing.provider)?.generatesSigningSecret) {
    throw new ApiError('validation_failed', `${existing.provider} has no credentials to write`, [
      {
        path: 'body.credentials',
        message: `its only credential is the signing secret we generate: POST /v1/providers/${id}/rotate-secret`,
      },
    ]);
  }
  const sealed =
    patch.credentials !== undefined
      ? await seal(config, actor.tenantId, checkCredentials(existing.provider, patch.credentials).credentials)
      : {};
  const { credentials: _omit, ...rest } = patch;
  // New credentials (a new key, another bundle id or environment) have proven nothing yet: an ambiguous provider
  // answer is blamed on the configuration again until it delivers (docs/decisions.md).
  const unproven = 'fingerprint' in sealed && sealed.fingerprint !== existing.fingerprint ? { provenAt: null } : {};
  const [[row]] = await db.batch([
    updateProviderConfig(db, actor.tenantId, id, { ...rest, ...sealed, ...unproven }),
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

/**
 * A new signing secret for a provider that has one (the `webhook` channel); the old one keeps signing alongside it
 * for 24 h, so receivers can switch without rejecting a request.
 */
export async function rotateProviderSecret(db: Db, config: AppConfig, actor: Actor, id: string, now = new Date()) {
  const existing = await getProviderConfig(db, actor.tenantId, id);
  if (!existing) throw notFound('Provider');
  if (!configurableProvider(existing.provider)?.generatesSigningSecret) {
    throw new ApiError('conflict', `${existing.provider} has no signing secret; change its credentials with PATCH`);
  }
  const current = SigningSecretsSchema.parse(
    await decryptCredentials(cipherKeysOf(config), actor.tenantId, existing.keyId, existing.credentialsCiphertext),
  );
  const next = rotated(current, newSigningSecret(), now);
  await db.batch([
    updateProviderConfig(db, actor.tenantId, id, await seal(config, actor.tenantId, next)),
    insertAuditEntry(db, {
      tenantId: actor.tenantId,
      actorKeyId: actor.keyId,
      action: 'provider.secret_rotated',
      targetType: 'provider',
      targetId: id,
      requestId: actor.requestId,
    }),
  ]);
  return { secret: next.current, previousSecretExpiresAt: next.previousUntil! };
}
