// Every request to a provider stand-in is judged against the provider's published description (the fixtures in
// test/fixtures/provider-descriptions/): the stand-ins keep answering for behaviour, the descriptions judge shape.
import { CHAT_CONTRACTS } from './chat-contracts.mjs';
import { EMAIL_CONTRACTS } from './email-contracts.mjs';
import { MESSAGING_CONTRACTS } from './messaging-contracts.mjs';

const CONTRACTS = { ...EMAIL_CONTRACTS, ...MESSAGING_CONTRACTS, ...CHAT_CONTRACTS };

/**
 * `{ checked, violations, reject? }` for a request to `/p/<provider><rest>`: `reject` is the provider-shaped
 * answer to send back when the request breaks the description.
 */
export function checkContract(provider, req, rest, body) {
  const contract = CONTRACTS[provider];
  if (!contract) return { checked: false, violations: [] };
  let violations;
  try {
    violations = contract.check(req, rest, body);
  } catch (err) {
    violations = [`the contract check itself failed: ${err?.message ?? err}`];
  }
  return { checked: true, violations, ...(violations.length ? { reject: contract.reject(violations) } : {}) };
}

/** Providers with a contract (every provider stand-in must have one). */
export const CONTRACT_PROVIDERS = Object.keys(CONTRACTS);
