import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * W3C Trace Context (`traceparent: 00-<trace id>-<parent span id>-<flags>`). A request keeps the caller's trace id
 * (or starts a trace), every hop we make is a new span of it, and the value travels with the notification (stored
 * on its row) into the queue consumer, provider calls and outgoing webhooks.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The caller's trace continued as a new span of ours, or a new sampled trace; all-zero ids are invalid per spec. */
export function continueTrace(incoming: string | undefined | null): string {
  const m = incoming ? TRACEPARENT.exec(incoming.trim().toLowerCase()) : null;
  const valid = m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
  return `00-${valid ? m![1] : hex(16)}-${hex(8)}-${valid ? m![3] : '01'}`;
}

export const traceIdOf = (traceparent: string | null | undefined) =>
  traceparent ? (TRACEPARENT.exec(traceparent)?.[1] ?? null) : null;

const current = new AsyncLocalStorage<string>();

/** Runs `fn` with outgoing calls carrying a child span of `traceparent` (providerFetch reads it). */
export function withTrace<T>(traceparent: string | null | undefined, fn: () => Promise<T>): Promise<T> {
  return traceparent ? current.run(continueTrace(traceparent), fn) : fn();
}

export const currentTraceparent = () => current.getStore() ?? null;

/** `{ traceparent }` for an outgoing request inside withTrace, else nothing. */
export function traceHeader(): Record<string, string> {
  const traceparent = currentTraceparent();
  return traceparent ? { traceparent } : {};
}
