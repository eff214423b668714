import { productionAwsUrlCheck } from '../../channels/email/ses/sns-envelope';
import { receiptVerifierFor } from '../../channels/receipts/registry';
import type { ReceiptRequest, ReceiptSecret } from '../../channels/receipts/types';
import type { AppContext } from '../../context';
import { providerConfigsOf } from '../../db/queries/providers';
import { applyReceipts } from '../../db/queries/receipts';
import { getTenantIdByHooksToken } from '../../db/queries/tenants';
import { ApiError, notFound } from '../../errors';
import { cipherKeysOf, decryptCredentials } from '../../lib/credentials-cipher';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';

export type ReceiveContext = AppContext;

/**
 * An inbound provider receipt: the token names the tenant, the provider's own signature proves the sender, then
 * the events update that tenant's deliveries (idempotently) and emit their outgoing events.
 * Unknown token or provider → 404 (indistinguishable, so tokens cannot be probed per provider); a bad signature
 * → 401 with the verifier's reason.
 */
export async function receiveReceipts(ctx: ReceiveContext, provider: string, token: string, req: ReceiptRequest) {
  const verifier = receiptVerifierFor(provider);
  const tenantId =
    verifier && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await getTenantIdByHooksToken(ctx.db, token) : undefined;
  if (!verifier || !tenantId) throw notFound('Receipt endpoint');
  const configs = await providerConfigsOf(ctx.db, tenantId, provider);
  const secrets = await Promise.all(
    configs.map(async (c) => {
      const creds = (await decryptCredentials(
        cipherKeysOf(ctx.config),
        tenantId,
        c.keyId,
        c.credentialsCiphertext,
      )) as Record<string, unknown>;
      return pickSecret(creds);
    }),
  );
  const testCertPrefix = ctx.config.PROVIDER_BASE_URLS['sns-certs'];
  const outcome = await verifier.verify(req, secrets, {
    now: new Date(),
    fetch: (input, init) => fetch(input, { ...init, redirect: 'manual', signal: AbortSignal.timeout(5000) }),
    // Tests serve the certificate from a local stand-in named in PROVIDER_BASE_URLS; production trusts AWS only.
    trustedAwsUrl: (url) => productionAwsUrlCheck(url) || (!!testCertPrefix && url.href.startsWith(testCertPrefix)),
  });
  if (!outcome.ok) {
    ctx.log.warn('inbound receipt refused', { tenantId, provider, reason: outcome.reason });
    throw new ApiError('invalid_signature', `Receipt refused: ${outcome.reason}`);
  }
  if (outcome.confirmUrl) {
    const res = await fetch(outcome.confirmUrl, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
    ctx.log.info('SNS subscription confirmation', { tenantId, status: res.status });
    if (!res.ok) throw new ApiError('service_unavailable', 'Could not confirm the SNS subscription; SNS will retry');
    return { received: 0, confirmed: true };
  }
  if (outcome.events.length) await enqueueEmitted(ctx, await applyReceipts(ctx.db, tenantId, provider, outcome.events));
  return { received: outcome.events.length, confirmed: false };
}

function pickSecret(creds: Record<string, unknown>): ReceiptSecret {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const secret: ReceiptSecret = {};
  const webhookSecret = str(creds.webhookSecret);
  const webhookPublicKey = str(creds.webhookPublicKey);
  const authToken = str(creds.authToken);
  if (webhookSecret) secret.webhookSecret = webhookSecret;
  if (webhookPublicKey) secret.webhookPublicKey = webhookPublicKey;
  if (authToken) secret.authToken = authToken;
  if (Array.isArray(creds.snsTopicArns)) secret.snsTopicArns = creds.snsTopicArns.filter((a) => typeof a === 'string');
  return secret;
}
