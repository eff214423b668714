import { z } from '@hono/zod-openapi';
import type { TenantRow } from '../../../db/schema';
import { ApiKeyWithSecretSchema } from '../api-keys/schema';

export const SignUpBody = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: 'Acme Inc.' }),
    email: z.email().max(320).openapi({ example: 'dev@acme.test' }),
  })
  .strict()
  .openapi('SignUpRequest');

export const TenantSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string(), createdAt: z.iso.datetime() })
  .openapi('Tenant');

export const SignUpResponse = z
  .object({ tenant: TenantSchema, apiKey: ApiKeyWithSecretSchema })
  .openapi('SignUpResponse');

export const presentTenant = (t: TenantRow): z.infer<typeof TenantSchema> => ({
  id: t.id,
  name: t.name,
  email: t.email,
  createdAt: t.createdAt.toISOString(),
});
