import { env, exports } from 'cloudflare:workers';
import { createDb } from '../../src/db/client';
import type { AppBindings } from '../../src/env';
import { TEST_STAND_INS } from '../test-db';

/** The worker's bindings as the tests see them (test DB, local proxy). */
export const testEnv = env as unknown as AppBindings;

/** A drizzle handle on the test database, for arranging state and checking what the API wrote. */
export const testDb = () => createDb(testEnv);

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
}

/** Calls the real worker (Hono app, auth, DB) the way a client would. */
export async function api<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { 'cf-connecting-ip': randomIp(), ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await exports.default.fetch(new Request(`http://api.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Signup is limited per IP; each test client gets its own address. */
export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export interface TestTenant {
  tenantId: string;
  key: string;
  keyId: string;
}

/** A fresh tenant with its default (test, admin) key, through the public signup endpoint. */
export async function createTenant(name = 'Test tenant'): Promise<TestTenant> {
  const res = await api('POST', '/v1/tenants', { body: { name, email: `${crypto.randomUUID()}@example.test` } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { tenantId: res.body.tenant.id, key: res.body.apiKey.key, keyId: res.body.apiKey.id };
}

/** An extra key for `tenant` with the given scopes. */
export async function createKey(tenant: TestTenant, scopes: string[], mode: 'test' | 'live' = 'test') {
  const res = await api('POST', '/v1/api-keys', {
    key: tenant.key,
    body: { name: `key ${scopes.join(',')}`, mode, scopes },
  });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { key: res.body.key as string, keyId: res.body.id as string };
}

/** Asserts the one error envelope and returns it. */
export function expectEnvelope(res: ApiResponse, status: number, code: string) {
  const detail = JSON.stringify(res.body);
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${detail}`);
  if (res.body?.error?.code !== code) throw new Error(`expected code ${code}, got ${detail}`);
  if (typeof res.body.error.message !== 'string' || typeof res.body.error.requestId !== 'string') {
    throw new Error(`envelope incomplete: ${detail}`);
  }
  if (res.headers.get('x-request-id') !== res.body.error.requestId) throw new Error('requestId not echoed');
  return res.body.error as {
    code: string;
    message: string;
    details?: { path?: string; message: string; code?: string }[];
  };
}

/**
 * A tenant whose `key` is a **live** admin key (test keys only ever reach the sandbox) with an SMTP provider
 * pointing at the SMTP stand-in, so pipeline tests exercise real providers.
 */
export async function createLiveTenant(
  name = 'Live tenant',
  opts: { smtp?: boolean } = {},
): Promise<TestTenant & { testKey: string }> {
  const t = await createTenant(name);
  const live = await createKey(t, ['admin'], 'live');
  if (opts.smtp === false) return { tenantId: t.tenantId, key: live.key, keyId: live.keyId, testKey: t.key };
  const smtp = await api('POST', '/v1/providers', {
    key: live.key,
    body: {
      channel: 'email',
      provider: 'smtp',
      name: 'Stand-in SMTP',
      credentials: { host: '127.0.0.1', port: TEST_STAND_INS.smtpPort, from: 'Notifykit Tests <tests@notifykit.test>' },
    },
  });
  if (smtp.status !== 201) throw new Error(`provider setup failed: ${smtp.status} ${JSON.stringify(smtp.body)}`);
  return { tenantId: t.tenantId, key: live.key, keyId: live.keyId, testKey: t.key };
}
