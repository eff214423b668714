import type { AppContext } from '../../context';
import { insertAuditEntry } from '../../db/queries/audit-log';
import { recordWebhookOutcomes } from '../../db/queries/webhook-delivery';
import {
  countReplayable,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  insertTestEvent,
  insertWebhookEndpoint,
  replayWindow,
  updateWebhookEndpoint,
} from '../../db/queries/webhook-endpoints';
import { emittedOf } from '../../db/queries/webhook-events';
import type { AppConfig } from '../../env';
import { ApiError, notFound } from '../../errors';
import { cipherKeysOf } from '../../lib/credentials-cipher';
import { newId } from '../../lib/ids';
import { urlPolicyFor, urlProblem } from '../../lib/ssrf-guard';
import { activeSecrets, newSigningSecret, rotated } from '../../lib/standard-webhooks';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';
import type { Actor } from '../api-keys/manage-keys';
import { openSecrets, sealSecrets } from './endpoint-secrets';
import { EVENT_RETENTION_DAYS } from './event-types';
import { postEvent } from './post-event';

export type EndpointContext = AppContext;

/** A replay re-sends at most this many events; a larger outage is replayed in several windows. */
export const MAX_REPLAY_EVENTS = 10_000;

function checkUrl(config: AppConfig, url: string) {
  const problem = urlProblem(url, urlPolicyFor(config));
  if (problem)
    throw new ApiError('validation_failed', `url ${problem}`, [
      { path: 'body.url', message: problem, code: 'url_refused' },
    ]);
}

const audit = (
  actor: Actor,
  action: Parameters<typeof insertAuditEntry>[1]['action'],
  id: string,
  details?: Record<string, unknown>,
) => ({
  tenantId: actor.tenantId,
  actorKeyId: actor.keyId,
  action,
  targetType: 'webhook_endpoint' as const,
  targetId: id,
  requestId: actor.requestId,
  ...(details ? { details } : {}),
});

export interface EndpointInput {
  url: string;
  events?: string[] | undefined;
  description?: string | undefined;
  enabled: boolean;
}

/** Creates an endpoint; its signing secret is returned now and never again (rotate to get a new one). */
export async function createEndpoint(ctx: EndpointContext, actor: Actor, input: EndpointInput) {
  checkUrl(ctx.config, input.url);
  const id = newId('whe');
  const secret = newSigningSecret();
  const [[row]] = await ctx.db.batch([
    insertWebhookEndpoint(ctx.db, {
      id,
      tenantId: actor.tenantId,
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.events ?? [],
      enabled: input.enabled,
      ...(await sealSecrets(cipherKeysOf(ctx.config), actor.tenantId, { current: secret })),
    }),
    insertAuditEntry(
      ctx.db,
      audit(actor, 'webhook_endpoint.created', id, { url: input.url, events: input.events ?? [] }),
    ),
  ]);
  return { row: row!, secret };
}

export async function updateEndpoint(ctx: EndpointContext, actor: Actor, id: string, patch: Partial<EndpointInput>) {
  const existing = await getWebhookEndpoint(ctx.db, actor.tenantId, id);
  if (!existing) throw notFound('Webhook endpoint');
  if (patch.url !== undefined) checkUrl(ctx.config, patch.url);
  const reEnabled = patch.enabled === true && !existing.enabled;
  const [[row]] = await ctx.db.batch([
    updateWebhookEndpoint(ctx.db, actor.tenantId, id, {
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.events !== undefined ? { eventTypes: patch.events } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      // Re-enabling or moving the endpoint starts afresh: no inherited failure streak or disable reason.
      ...(reEnabled ? { disabledReason: null, failingSince: null } : {}),
      ...(patch.url !== undefined && patch.url !== existing.url ? { failingSince: null } : {}),
    }),
    insertAuditEntry(ctx.db, audit(actor, 'webhook_endpoint.updated', id, { fields: Object.keys(patch) })),
  ]);
  return row!;
}

export async function deleteEndpoint(ctx: EndpointContext, actor: Actor, id: string) {
  // Looked up first: a batch commits whatever it holds, so an audit row written alongside a delete that found
  // nothing would record a change that never happened (and, for another tenant's id, put that id in this log).
  if (!(await getWebhookEndpoint(ctx.db, actor.tenantId, id))) throw notFound('Webhook endpoint');
  const [deleted] = await ctx.db.batch([
    deleteWebhookEndpoint(ctx.db, actor.tenantId, id),
    insertAuditEntry(ctx.db, audit(actor, 'webhook_endpoint.deleted', id)),
  ]);
  if (deleted.length === 0) throw notFound('Webhook endpoint');
}

/** A new secret; the old one keeps signing alongside it for 24 h so receivers can switch without a gap. */
export async function rotateSecret(ctx: EndpointContext, actor: Actor, id: string, now = new Date()) {
  const existing = await getWebhookEndpoint(ctx.db, actor.tenantId, id);
  if (!existing) throw notFound('Webhook endpoint');
  const keys = cipherKeysOf(ctx.config);
  const secrets = await openSecrets(keys, actor.tenantId, existing.keyId, existing.secretsCiphertext);
  const next = rotated(secrets, newSigningSecret(), now);
  await ctx.db.batch([
    updateWebhookEndpoint(ctx.db, actor.tenantId, id, await sealSecrets(keys, actor.tenantId, next)),
    insertAuditEntry(ctx.db, audit(actor, 'webhook_endpoint.secret_rotated', id)),
  ]);
  return { secret: next.current, previousSecretExpiresAt: next.previousUntil! };
}

/** Re-sends the stored events of a window (within the retention) to an enabled endpoint. */
export async function replay(
  ctx: EndpointContext,
  actor: Actor,
  id: string,
  input: { since: string; until?: string | undefined; types?: string[] | undefined },
  now = new Date(),
) {
  const existing = await getWebhookEndpoint(ctx.db, actor.tenantId, id);
  if (!existing) throw notFound('Webhook endpoint');
  if (!existing.enabled) throw new ApiError('conflict', 'The endpoint is disabled; enable it before replaying');
  const until = input.until ?? now.toISOString();
  const oldest = now.getTime() - EVENT_RETENTION_DAYS * 86_400_000;
  const details = [];
  if (Date.parse(input.since) < oldest) {
    details.push({ path: 'body.since', message: `events are kept ${EVENT_RETENTION_DAYS} days; since must be later` });
  }
  if (Date.parse(until) <= Date.parse(input.since))
    details.push({ path: 'body.until', message: 'must be after since' });
  if (details.length) throw new ApiError('validation_failed', 'Invalid replay window', details);
  const window = { since: input.since, until, types: input.types };
  const count = await countReplayable(ctx.db, actor.tenantId, id, window);
  if (count > MAX_REPLAY_EVENTS) {
    throw new ApiError(
      'validation_failed',
      `The window holds ${count} events; replay at most ${MAX_REPLAY_EVENTS} at a time`,
      [{ path: 'body.until', message: 'narrow the window', code: 'replay_window_too_large' }],
    );
  }
  const [replayed] = await ctx.db.batch([
    replayWindow(ctx.db, actor.tenantId, id, window),
    insertAuditEntry(
      ctx.db,
      audit(actor, 'webhook_endpoint.replayed', id, { since: input.since, until, types: input.types ?? [] }),
    ),
  ]);
  const messages = emittedOf(replayed);
  await enqueueEmitted(ctx, messages);
  return { replayed: messages.length, since: input.since, until };
}

/**
 * Sends a `webhook.test` event to the endpoint now and reports what it answered. One attempt, no retries; the
 * attempt is stored like any other.
 */
export async function testEndpoint(ctx: EndpointContext, actor: Actor, id: string) {
  const endpoint = await getWebhookEndpoint(ctx.db, actor.tenantId, id);
  if (!endpoint) throw notFound('Webhook endpoint');
  const eventId = newId('evt');
  const data = { endpointId: id, message: 'A test event from notifykit', metadata: {} };
  const createdAt = await insertTestEvent(ctx.db, actor.tenantId, id, eventId, data);
  const now = new Date();
  const secrets = await openSecrets(
    cipherKeysOf(ctx.config),
    actor.tenantId,
    endpoint.keyId,
    endpoint.secretsCiphertext,
  );
  const result = await postEvent({
    url: endpoint.url,
    event: { id: eventId, type: 'webhook.test', createdAt: new Date(createdAt).toISOString(), data },
    secrets: activeSecrets(secrets, now),
    policy: urlPolicyFor(ctx.config),
    timeoutMs: ctx.config.WEBHOOK_TIMEOUT_SECONDS * 1000,
    now,
  });
  await recordWebhookOutcomes(ctx.db, [
    {
      tenantId: actor.tenantId,
      endpointId: id,
      eventId,
      eventType: 'webhook.test',
      attemptNo: 1,
      attempt: {
        id: newId('wha'),
        outcome: result.succeeded ? 'succeeded' : 'failed',
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        responseSnippet: result.responseSnippet,
        error: result.error,
        startedAt: now.toISOString(),
      },
      status: result.succeeded ? 'succeeded' : 'failed',
      nextAttemptAt: null,
      lastError: result.error,
    },
  ]);
  return { eventId, ...result };
}
