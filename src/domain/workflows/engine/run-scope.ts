import jsonLogic from 'json-logic-js';
import type { Db } from '../../../db/client';
import type { LoadedRun } from '../../../db/queries/workflow-runs';
import { sendStates } from '../../../db/queries/workflow-steps';
import type { SubscriberRow } from '../../../db/schema';

/**
 * What a step's condition and a send's template see. Conditions read `data`, `subscriber`, `actor` and
 * `steps.<id>`; a send step's result there is read from its notification when the condition runs, so
 * `steps.inbox.read` is true once the subscriber read the message, not when it was sent.
 */
export interface RunScope {
  data: Record<string, unknown>;
  actor: Record<string, unknown> | null;
  subscriber: Record<string, unknown>;
  steps: Record<string, Record<string, unknown>>;
  digest: { count: number; events: Record<string, unknown>[] } | null;
}

export function subscriberView(s: SubscriberRow | null): Record<string, unknown> {
  if (!s) return {};
  return {
    id: s.externalId,
    email: s.email,
    phone: s.phone,
    name: s.name,
    locale: s.locale,
    timezone: s.timezone,
    data: s.data ?? {},
  };
}

/** The latest digest this run flushed or passed through (sendFirst), for templates and conditions. */
export function latestDigest(loaded: LoadedRun): RunScope['digest'] {
  let latest: RunScope['digest'] = null;
  let at = 0;
  for (const r of loaded.results.values()) {
    const out = r.output as { count?: number; events?: Record<string, unknown>[] } | null;
    if (r.type !== 'digest' || r.status !== 'completed' || typeof out?.count !== 'number') continue;
    const t = r.finishedAt ? new Date(r.finishedAt).getTime() : 0;
    if (t >= at) {
      at = t;
      latest = { count: out.count, events: out.events ?? [] };
    }
  }
  return latest;
}

export async function buildScope(db: Db, loaded: LoadedRun): Promise<RunScope> {
  const results = [...loaded.results.values()];
  const sends = results.flatMap((r) => (r.notificationId ? [r.notificationId] : []));
  const states = new Map((await sendStates(db, loaded.run.tenantId, sends)).map((s) => [s.notificationId, s]));
  const steps: RunScope['steps'] = {};
  for (const r of results) {
    const state = r.notificationId ? states.get(r.notificationId) : undefined;
    steps[r.stepId] = state
      ? { status: state.status, seen: state.seen, read: state.read, opened: state.opened, clicked: state.clicked }
      : { status: r.status, ...(r.output ?? {}) };
  }
  return {
    data: loaded.run.data,
    actor: loaded.run.actor,
    subscriber: subscriberView(loaded.subscriber),
    steps,
    digest: latestDigest(loaded),
  };
}

/**
 * JSONLogic truthiness, as the library defines it (empty arrays are false). A rule that throws on this run's data
 * is an error of the definition, answered as a string, so the run fails with it instead of retrying a message that
 * can never succeed.
 */
export function holds(rule: unknown, scope: RunScope): boolean | { error: string } {
  try {
    return jsonLogic.truthy(jsonLogic.apply(rule as jsonLogic.RulesLogic, scope as unknown as Record<string, unknown>));
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** A value at `data.a.b` of the trigger data; undefined when absent. */
export function valueAt(scope: { data: Record<string, unknown> }, path: string): unknown {
  let value: unknown = scope;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * A digest or throttle key: the run's mode (test-key and live-key runs never share a window), then the value at
 * the data path (strings as they are, other values as JSON, absent as '').
 */
export function scopedKey(run: { mode: string; data: Record<string, unknown> }, path: string | undefined): string {
  const value = path ? valueAt(run, path) : undefined;
  const key = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return `${run.mode}:${key}`;
}
