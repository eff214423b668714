import type { ProviderError } from '../../channels/types';
import type { AppContext } from '../../context';
import type { DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import { findSuppressed } from '../../db/queries/suppressions';
import { type BatchBreakers, readBreakers } from './circuit-breakers';
import { sendWithFailover } from './failover';
import { withFallback } from './fallback';
import { inboxOutcome, sandboxOutcome } from './inbox-and-sandbox';
import { failedOutcome, type OutcomeBase, suppressedOutcome } from './outcomes';
import { type PreferenceContext, preferenceRefusal } from './preferences';
import { prepareEmail, type SecretOf, tenantSecretCache } from './prepare-email';
import { type ChainStep, createChainResolver } from './provider-chain';
import { type Rendering, renderTemplates } from './render-templates';

/** What the sends of one batch share: read once, before any delivery is sent. */
interface SendInputs {
  attemptOf: Map<string, number>;
  preferences: PreferenceContext;
  isSuppressed: (d: DeliveryToSend) => boolean;
  chains: Map<string, ChainStep[] | ProviderError>;
  renderings: Map<string, Rendering>;
  breakers: BatchBreakers;
  secretOf: SecretOf;
}

/**
 * Sends each claimed delivery: suppressed addresses end `suppressed` without a call; test-mode notifications go
 * to the sandbox; everything else walks its provider chain (failover), skipping providers whose circuit breaker
 * is open. Breakers are read once per batch and told the batch's results once.
 */
export async function sendClaimed(
  ctx: AppContext,
  claimed: DeliveryToSend[],
  attemptOf: Map<string, number>,
  preferences: PreferenceContext,
): Promise<Outcome[]> {
  if (claimed.length === 0) return [];
  const inputs = await loadSendInputs(ctx, claimed, attemptOf, preferences);
  const outcomes = await Promise.all(claimed.map((d) => sendOne(ctx, d, inputs)));
  await inputs.breakers.report();
  return outcomes;
}

const suppressionKey = (tenantId: string, channel: string, address: string) => `${tenantId}|${channel}|${address}`;

/** Suppressions, provider chains and template renderings in one round trip together, then the chains' breakers. */
async function loadSendInputs(
  ctx: AppContext,
  claimed: DeliveryToSend[],
  attemptOf: Map<string, number>,
  preferences: PreferenceContext,
): Promise<SendInputs> {
  const [suppressed, resolve, renderings] = await Promise.all([
    findSuppressed(
      ctx.db,
      claimed.map((d) => ({ tenantId: d.tenantId, channel: d.channel, address: d.address })),
    ),
    createChainResolver(ctx.db, ctx.config, [
      ...new Set(claimed.filter((d) => d.mode === 'live').map((d) => d.tenantId)),
    ]),
    renderTemplates(ctx, claimed),
  ]);
  const suppressedKeys = new Set(suppressed.map((s) => suppressionKey(s.tenant_id, s.channel, s.address)));
  const isSuppressed = (d: DeliveryToSend) => suppressedKeys.has(suppressionKey(d.tenantId, d.channel, d.address));
  const live = claimed.filter((d) => d.mode === 'live' && d.channel !== 'in_app' && !isSuppressed(d));
  const chains = new Map(live.map((d) => [d.id, resolve(d.tenantId, d.channel, d.address)]));
  const breakers = await readBreakers(ctx, chains.values());
  return { attemptOf, preferences, isSuppressed, chains, renderings, breakers, secretOf: tenantSecretCache(ctx) };
}

/**
 * One delivery, step by step: the subscriber's preferences (a refusal ends `suppressed`, with no fallback), its
 * rendering (a render error fails it), email preparation, then the send itself.
 */
async function sendOne(ctx: AppContext, original: DeliveryToSend, inputs: SendInputs): Promise<Outcome> {
  const base = { tenantId: original.tenantId, deliveryId: original.id, attemptNo: inputs.attemptOf.get(original.id)! };
  const refusal = preferenceRefusal(inputs.preferences, original);
  if (refusal) return suppressedOutcome(base, refusal);
  const rendering = inputs.renderings.get(original.id);
  if (rendering && 'error' in rendering) {
    return withFallback(
      original,
      failedOutcome(base, [], null, { code: rendering.code ?? 'render_error', message: rendering.error }),
    );
  }
  const rendered = rendering ? { ...original, content: rendering.content } : original;
  const prepared = await prepareEmail(ctx, rendered, inputs.preferences, inputs.secretOf);
  const renderedLocale = rendering ? { renderedLocale: rendering.locale } : {};
  const links = prepared.links.length ? { links: prepared.links } : {};
  return { ...(await send(ctx, prepared.d, base, inputs)), ...renderedLocale, ...links };
}

/**
 * Where a prepared delivery goes: nowhere when its address is suppressed; the inbox for in_app (test keys too,
 * since the inbox is inside the tenant's own product: docs/inbox.md); the sandbox in test mode; else its provider
 * chain.
 */
async function send(ctx: AppContext, d: DeliveryToSend, base: OutcomeBase, inputs: SendInputs): Promise<Outcome> {
  if (inputs.isSuppressed(d)) {
    return withFallback(
      d,
      suppressedOutcome(base, { code: 'suppressed', message: `${d.channel} address is on the suppression list` }),
    );
  }
  if (d.channel === 'in_app') return inboxOutcome(d, base);
  if (d.mode === 'test') return sandboxOutcome(d, base);
  const chain = inputs.chains.get(d.id)!;
  if (!Array.isArray(chain)) {
    return withFallback(d, failedOutcome(base, [], null, { code: chain.code, message: chain.message }));
  }
  return sendWithFailover(ctx, d, base, chain, inputs.breakers);
}
