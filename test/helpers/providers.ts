import { expect } from 'vitest';
import { TEST_STAND_INS } from '../test-db';
import { api } from './api';
import type { ReceivedRequest, ScriptStep } from './stand-ins';

/** Configures a provider for the tenant of `key` and returns its id. */
export async function addProvider(key: string, body: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/v1/providers', { key, body });
  if (res.status !== 201) throw new Error(`provider setup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Requests a provider stand-in received for one account (the credential the request presented). */
export async function providerRequests(
  provider: string,
  account: string,
): Promise<(ReceivedRequest & { rejected: boolean })[]> {
  const name = encodeURIComponent(`${provider}:${account}`);
  return (await fetch(`${TEST_STAND_INS.baseUrl}/_control/requests/${name}`)).json();
}

/** Scripts a provider stand-in's answers for one account (after its request checks pass). */
export async function scriptProvider(
  provider: string,
  account: string,
  responses: ScriptStep[],
  otherwise?: ScriptStep,
) {
  const name = encodeURIComponent(`${provider}:${account}`);
  const res = await fetch(`${TEST_STAND_INS.baseUrl}/_control/script/${name}`, {
    method: 'POST',
    body: JSON.stringify({ responses, otherwise }),
  });
  expect(res.status).toBe(200);
}

export const jsonStep = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptStep => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const hex = (n: number) =>
  [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');
export const uniqueAccount = (prefix: string) => `${prefix}${hex(12)}`;
/** A US number no other test is likely to use (suppressions are per tenant, but stand-in accounts are shared). */
export const randomPhone = () => `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** POST /v1/notifications that must be accepted; the notification's id. */
export async function sendAccepted(key: string, body: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/v1/notifications', { key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}
export const twilioSid = () => `AC${hex(16)}`;
/** AWS-shaped access key id (AKIA + 16 uppercase). */
export const awsKeyId = () => `AKIA${hex(8).toUpperCase()}`;
export const appleId = () => hex(5).toUpperCase();

async function pem(key: CryptoKey) {
  const der = new Uint8Array((await crypto.subtle.exportKey('pkcs8', key)) as ArrayBuffer);
  const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** A throwaway RSA key, PKCS#8 PEM, like a Google service account's. */
export async function rsaPem() {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  return pem(pair.privateKey);
}

/** A throwaway P-256 key, PKCS#8 PEM, like an APNs .p8. */
export async function ecPem() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return pem(pair.privateKey);
}
