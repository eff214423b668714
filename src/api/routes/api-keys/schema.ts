import { z } from '@hono/zod-openapi';
import type { ApiKeyRow } from '../../../db/schema';
import { keyStatus } from '../../../domain/api-keys/key-status';
import { SCOPES } from '../../../domain/api-keys/scopes';

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_01jf2v3k4m5n6p7q8r9s0t1v2w' }),
    name: z.string(),
    mode: z.enum(['test', 'live']),
    scopes: z.array(z.string()),
    prefix: z.string().openapi({ example: 'nk_test_' }),
    last4: z.string(),
    status: z.enum(['active', 'expiring', 'expired', 'revoked']),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('ApiKey');

export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The full key. Shown once: store it now.' }),
}).openapi('ApiKeyWithSecret');

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    mode: z.enum(['test', 'live']),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).default(['admin']),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

export const KeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'key_01jf…' }),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentApiKey = (k: ApiKeyRow): z.infer<typeof ApiKeySchema> => ({
  id: k.id,
  name: k.name,
  mode: k.mode,
  scopes: k.scopes,
  prefix: k.prefix,
  last4: k.last4,
  status: keyStatus(k),
  createdAt: k.createdAt.toISOString(),
  expiresAt: iso(k.expiresAt),
  revokedAt: iso(k.revokedAt),
});
