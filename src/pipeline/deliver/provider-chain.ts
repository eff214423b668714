import { builtInProviderFor, configurableProvider } from '../../channels/registry';
import type { Provider, ProviderError } from '../../channels/types';
import type { Db } from '../../db/client';
import { loadEnabledProviderConfigs } from '../../db/queries/providers';
import type { Channel, ProviderConfigRow } from '../../db/schema';
import type { AppConfig } from '../../env';
import { cipherKeysOf, decryptCredentials } from '../../lib/credentials-cipher';

/** One step of a delivery's failover chain. */
export interface ChainStep {
  provider: Provider<unknown>;
  /** The tenant's configuration id, or null for a built-in provider the tenant has not configured. */
  configId: string | null;
  /**
   * Circuit breaker name, per tenant and configuration. Null for built-in providers: a webhook or chat URL is one
   * destination with nothing to fail over to, and retry backoff already spares it.
   */
  breakerKey: string | null;
  credentials: () => Promise<unknown>;
  /**
   * The configuration has delivered with its current credentials, so an ambiguous answer (`suppressIfProven`) is
   * about the recipient (docs/decisions.md). False without a configuration: nothing proves a setting there.
   */
  proven: boolean;
  /** The configuration's credentials fingerprint as loaded; null without a configuration (no health to record). */
  fingerprint: string | null;
  /** The code of the configuration's open provider-health problem, as loaded. */
  problemCode: string | null;
}

/** The chain-step fields a configuration row gives (or their absence for a built-in provider without one). */
const configFields = (row: ProviderConfigRow | undefined) => ({
  configId: row?.id ?? null,
  proven: row?.provenAt != null,
  fingerprint: row?.fingerprint ?? null,
  problemCode: row?.problem?.code ?? null,
});

/**
 * Resolves provider chains for a consumer batch: one query for every enabled configuration of the batch's
 * tenants, credentials decrypted only when a step is actually used (and at most once per configuration).
 */
export async function createChainResolver(db: Db, config: AppConfig, tenantIds: string[]) {
  const rows = await loadEnabledProviderConfigs(db, tenantIds);
  const decrypted = new Map<string, Promise<unknown>>();
  const credentialsOf = (row: ProviderConfigRow) => () => {
    let value = decrypted.get(row.id);
    if (!value) {
      value = decryptCredentials(cipherKeysOf(config), row.tenantId, row.keyId, row.credentialsCiphertext);
      decrypted.set(row.id, value);
    }
    return value;
  };

  /**
   * Built-in provider for self-describing addresses (with the tenant's configuration of it, if any), else the
   * tenant's configurations for the channel by priority.
   */
  return (tenantId: string, channel: Channel, address: string): ChainStep[] | ProviderError => {
    const builtIn = builtInProviderFor(channel, address);
    if (builtIn) {
      // A tenant that configured the built-in provider (the webhook channel's signing secret) sends with its
      // configuration; still no breaker: the address remains one destination.
      const own = rows.find((row) => row.tenantId === tenantId && row.provider === builtIn.id);
      const credentials = own ? credentialsOf(own) : async () => ({});
      return [{ provider: builtIn, ...configFields(own), breakerKey: null, credentials }];
    }
    const steps: ChainStep[] = [];
    for (const row of rows) {
      if (row.tenantId !== tenantId || row.channel !== channel) continue;
      const provider = configurableProvider(row.provider);
      if (!provider?.accepts(address)) continue;
      steps.push({
        provider,
        ...configFields(row),
        breakerKey: `${tenantId}:${row.id}`,
        credentials: credentialsOf(row),
      });
    }
    if (steps.length > 0) return steps;
    return {
      code: 'no_provider_configured',
      message: `No enabled ${channel} provider can send to this address; add one with POST /v1/providers`,
      retryable: false,
    };
  };
}
