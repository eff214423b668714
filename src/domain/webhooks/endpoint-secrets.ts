import { type CipherKeys, decryptCredentials, encryptCredentials } from '../../lib/credentials-cipher';
import { type SigningSecrets, SigningSecretsSchema } from '../../lib/standard-webhooks';

/** Sealed like provider credentials: AES-GCM, bound to the tenant. */
export async function sealSecrets(keys: CipherKeys, tenantId: string, secrets: SigningSecrets) {
  const { keyId, ciphertext } = await encryptCredentials(keys, tenantId, secrets);
  return { keyId, secretsCiphertext: ciphertext };
}

export async function openSecrets(keys: CipherKeys, tenantId: string, keyId: string, ciphertext: string) {
  return SigningSecretsSchema.parse(await decryptCredentials(keys, tenantId, keyId, ciphertext));
}
