import { expect } from 'vitest';
import { TEST_STAND_INS } from '../test-db';
import { standInContextFor } from './error-tables';
import { providerRequests } from './providers';

/**
 * Contract checks: every request to a provider stand-in is judged against the provider's published description
 * (test/stand-ins/contracts/); these helpers read that judgement back.
 */

/** A provider context whose base URLs point at the stand-ins, `key` defaulting to the provider's id as in the pipeline. */
export const contextFor = standInContextFor;

/** A chat incoming-webhook URL served by the contract-checked stand-in (`discord`, `slack-webhook`, `teams`). */
export const chatWebhookUrl = (provider: 'discord' | 'slack-webhook' | 'teams', path: string) =>
  `${TEST_STAND_INS.baseUrl}/p/${provider}${path}`;

export interface ContractViolation {
  provider: string;
  account: string;
  method: string;
  path: string;
  violations: string[];
}

export async function contractViolations(provider: string, account: string): Promise<ContractViolation[]> {
  const query = new URLSearchParams({ provider, account });
  return (await fetch(`${TEST_STAND_INS.baseUrl}/_control/contract-violations?${query}`)).json();
}

/** Every request `account` sent to `provider` was judged against the description and broke none of it. */
export async function expectContractKept(provider: string, account: string, atLeast = 1) {
  const requests = (await providerRequests(provider, account)) as unknown as {
    path: string;
    contract?: { checked: boolean; violations: string[] };
  }[];
  expect(requests.length, `${provider} requests from ${account}`).toBeGreaterThanOrEqual(atLeast);
  for (const r of requests) expect(r.contract, `${provider} ${r.path}`).toEqual({ checked: true, violations: [] });
  expect(await contractViolations(provider, account)).toEqual([]);
}

/** `account`'s request to `provider` was recorded as breaking the description, with a violation matching `pattern`. */
export async function expectViolationRecorded(provider: string, account: string, pattern: RegExp) {
  const recorded = await contractViolations(provider, account);
  expect(recorded, `${provider} violations for ${account}`).toHaveLength(1);
  expect(
    recorded[0]!.violations.some((v) => pattern.test(v)),
    recorded[0]!.violations.join(' | '),
  ).toBe(true);
}

/** A send result, shown whole when it is not ok (the stand-in's contract refusal names the violation). */
export const expectSent = (result: { ok: boolean }) =>
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
