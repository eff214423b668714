import { traceHeader } from '../observability/trace-context';
import { httpFailure, networkFailure } from './http-outcome';
import type { ProviderError, SendResult } from './types';

/**
 * One provider HTTP call with a timeout, no redirects, and the shared status classification; `refine` lets a
 * provider read its own error body (codes for invalid recipients, bad credentials …).
 */
export async function providerFetch(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  handle: {
    ok: (res: Response, body: string) => SendResult;
    refine?: (error: ProviderError, body: string, res: Response) => ProviderError;
  },
): Promise<SendResult> {
  let res: Response;
  try {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(traceHeader())) if (!headers.has(k)) headers.set(k, v);
    res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { ok: false, error: networkFailure(err) };
  }
  const body = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return handle.ok(res, body);
  let error = httpFailure(res.status, res.headers, body);
  if (res.status === 401 || res.status === 403) error = { ...error, providerFault: true };
  return { ok: false, error: handle.refine ? handle.refine(error, body, res) : error };
}

export function parseJson(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export const basicAuth = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
