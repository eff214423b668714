/**
 * Provider credentials at rest: AES-256-GCM (WebCrypto) with a fresh 96-bit IV per value. Keys come from the
 * CREDENTIALS_KEYS secret (`{"<keyId>": "<base64 of 32 bytes>"}`); new values use CREDENTIALS_KEY_ID and each row
 * records its key id, so a key can be rotated by adding a new one, switching the id and re-saving old rows.
 * The tenant id is bound as additional data: a ciphertext copied to another tenant's row does not decrypt.
 */
const b64 = {
  encode: (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)),
  decode: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
};

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(material: string): Promise<CryptoKey> {
  let key = keyCache.get(material);
  if (!key) {
    const raw = b64.decode(material);
    if (raw.byteLength !== 32) throw new Error('credentials key must be 32 bytes (base64)');
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keyCache.set(material, key);
  }
  return key;
}

export interface CipherKeys {
  current: string;
  keys: Record<string, string>;
}

/** The cipher keys from the parsed config: the one place they are assembled. */
export const cipherKeysOf = (config: { CREDENTIALS_KEY_ID: string; CREDENTIALS_KEYS: Record<string, string> }) => ({
  current: config.CREDENTIALS_KEY_ID,
  keys: config.CREDENTIALS_KEYS,
});

export async function encryptCredentials(keys: CipherKeys, tenantId: string, value: unknown) {
  const material = keys.keys[keys.current];
  if (!material) throw new Error(`credentials key '${keys.current}' is not in CREDENTIALS_KEYS`);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(tenantId) },
    await importKey(material),
    plaintext,
  );
  return { keyId: keys.current, ciphertext: `v1.${b64.encode(iv)}.${b64.encode(new Uint8Array(sealed))}` };
}

export async function decryptCredentials(keys: CipherKeys, tenantId: string, keyId: string, ciphertext: string) {
  const material = keys.keys[keyId];
  if (!material) throw new Error(`credentials key '${keyId}' is not in CREDENTIALS_KEYS`);
  const [version, iv, data] = ciphertext.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('unknown credentials format');
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: b64.decode(iv), additionalData: new TextEncoder().encode(tenantId) },
    await importKey(material),
    b64.decode(data),
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
}

/** What the API shows instead of credentials: `sha256:` + 12 hex chars of the canonical JSON. */
export async function credentialsFingerprint(value: unknown): Promise<string> {
  const canonical = JSON.stringify(value, Object.keys(value as object).sort());
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return `sha256:${[...new Uint8Array(digest)]
    .slice(0, 6)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')}`;
}
