import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { emitEvents } from './webhook-events';

/**
 * What one provider call said about a tenant's configuration: it delivered (`error` null), or it ended with an
 * account-side error (bad credentials, unverified sender, sandbox, an ambiguous answer on an unproven
 * configuration). Only calls that change something are noted: a success of a configuration that is unproven or
 * has an open problem, and every account-side error.
 */
export interface HealthNote {
  configId: string;
  /** The credentials the call used (the loaded row's fingerprint): a note about replaced credentials is dropped. */
  fingerprint: string;
  at: string;
  error: { code: string; message: string } | null;
}

/** The net effect of a batch's notes on one configuration. */
interface HealthChange {
  id: string;
  tenantId: string;
  fingerprint: string;
  /** First success in the batch: proves the configuration if it was not yet. */
  provenAt: string | null;
  /** The trailing run of one error code after the batch's last success; null = the configuration ends healthy. */
  problem: { code: string; message: string; firstSeenAt: string; lastSeenAt: string; count: number } | null;
}

/** Folds the notes of a batch, in call order, into one change per configuration. */
export function healthChanges(notes: { tenantId: string; note: HealthNote }[]): HealthChange[] {
  const byConfig = new Map<string, HealthChange>();
  const ordered = [...notes].sort((a, b) => (a.note.at < b.note.at ? -1 : a.note.at > b.note.at ? 1 : 0));
  for (const { tenantId, note } of ordered) {
    const key = `${tenantId}|${note.configId}|${note.fingerprint}`;
    const change = byConfig.get(key) ?? {
      id: note.configId,
      tenantId,
      fingerprint: note.fingerprint,
      provenAt: null,
      problem: null,
    };
    if (!note.error) {
      change.provenAt ??= note.at;
      change.problem = null;
    } else if (change.problem?.code === note.error.code) {
      change.problem = {
        ...change.problem,
        message: note.error.message,
        lastSeenAt: note.at,
        count: change.problem.count + 1,
      };
    } else {
      const { code, message } = note.error;
      change.problem = { code, message, firstSeenAt: note.at, lastSeenAt: note.at, count: 1 };
    }
    byConfig.set(key, change);
  }
  return [...byConfig.values()];
}

/**
 * One statement for a batch's provider-health changes: proves configurations that delivered, clears the problem
 * of those that delivered, opens or extends the problem of those that failed on our account's side, and emits
 * `provider.misconfigured` when a problem is new (none before, or another code). The rows are locked first so two
 * batches failing the same way emit one event. A change made with credentials that have since been replaced
 * (PATCH) matches no row.
 */
export function recordHealthChanges(db: Db, changes: HealthChange[]) {
  return db.execute(
    emitEvents(
      sql`
        SELECT h.tenant_id, 'provider.misconfigured' AS type,
          jsonb_build_object('providerConfigId', h.id, 'provider', h.provider, 'channel', h.channel,
            'code', h.problem->>'code', 'message', h.problem->>'message',
            'firstSeenAt', h.problem->>'firstSeenAt') AS data
        FROM health_changed h WHERE h.opened`,
      sql`
        health_x AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) AS x(id text, "tenantId" text,
            fingerprint text, "provenAt" timestamptz, problem jsonb)),
        health_old AS (
          SELECT p.id, p.problem FROM provider_configs p
          JOIN health_x x ON p.id = x.id AND p.tenant_id = x."tenantId" AND p.fingerprint = x.fingerprint
          FOR UPDATE OF p),
        health_changed AS (
          UPDATE provider_configs p SET
            proven_at = COALESCE(p.proven_at, x."provenAt"),
            problem = CASE
              WHEN x.problem IS NULL THEN NULL
              WHEN o.problem->>'code' = x.problem->>'code' THEN o.problem || jsonb_build_object(
                'message', x.problem->'message', 'lastSeenAt', x.problem->'lastSeenAt',
                'count', (o.problem->>'count')::int + (x.problem->>'count')::int)
              ELSE x.problem END
          FROM health_x x JOIN health_old o ON o.id = x.id
          WHERE p.id = x.id AND p.tenant_id = x."tenantId"
          RETURNING p.id, p.tenant_id, p.provider, p.channel, p.problem,
            (x.problem IS NOT NULL AND o.problem->>'code' IS DISTINCT FROM x.problem->>'code') AS opened)`,
    ),
  );
}
