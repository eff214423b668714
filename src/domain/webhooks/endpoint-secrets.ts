import { z } from 'zod';
import { type CipherKeys, decryptCredentials, encryptCredentials } from '../../lib/credentials-cipher';

/** How long the previous secret keeps signing after a rotation, so receivers can switch without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const Secrets = z.object({
  current: z.string(),
  previous: z.string().optional(),
  previousUntil: z.string().optional(),
});
export type EndpointSecrets = z.infer<typeof Secrets>;

/** Sealed like provider credentials: AES-GCM, bound to the tenant. */
export async function sealSecrets(keys: CipherKeys, tenantId: string, secrets: EndpointSecrets) {
  const { keyId, ciphertext } = await encryptCredentials(keys, tenantId, secrets);
  return { keyId, secretsCiphertext: ciphertext };
}

export async function openSecrets(keys: CipherKeys, tenantId: string, keyId: string, ciphertext: string) {
  return Secrets.parse(await decryptCredentials(keys, tenantId, keyId, ciphertext));
}

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function activeSecrets(secrets: EndpointSecrets, now: Date): string[] {
  const previousActive = secrets.previous && secrets.previousUntil && Date.parse(secrets.previousUntil) > now.getTime();
  return previousActive ? [secrets.current, secrets.previous!] : [secrets.current];
}

export function rotated(secrets: EndpointSecrets, next: string, now: Date): EndpointSecrets {
  return {
    current: next,
    previous: secrets.current,
    previousUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
  };
}
