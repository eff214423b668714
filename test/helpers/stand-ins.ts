import { expect } from 'vitest';
import { TEST_STAND_INS } from '../test-db';
import { api } from './api';

/** Talks to the provider stand-ins started by global-setup (real HTTP and SMTP servers in Node). */

export const endpointUrl = (name: string) => `${TEST_STAND_INS.baseUrl}/hooks/${name}`;

export interface ScriptStep {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/** The next requests to endpoint `name` get `responses` in order, then `otherwise` (default 200). */
export async function scriptEndpoint(name: string, responses: ScriptStep[], otherwise?: ScriptStep) {
  const res = await fetch(`${TEST_STAND_INS.baseUrl}/_control/script/${name}`, {
    method: 'POST',
    body: JSON.stringify({ responses, otherwise }),
  });
  expect(res.status).toBe(200);
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export async function receivedRequests(name: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${TEST_STAND_INS.baseUrl}/_control/requests/${name}`)).json();
}

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  messageId: string | null;
  headers: Record<string, string>;
  rawHeaders: Record<string, string>;
}

export async function receivedMail(to: string): Promise<ReceivedMail[]> {
  return (await fetch(`${TEST_STAND_INS.baseUrl}/_control/mail?to=${encodeURIComponent(to)}`)).json();
}

/** A unique name per test so endpoints and mailboxes never mix between tests. */
export const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** Polls GET /v1/notifications/{id} until `done(notification)` holds (the real queue consumer runs meanwhile). */
export async function waitForNotification(key: string, id: string, done: (n: any) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await api('GET', `/v1/notifications/${id}`, { key })).body;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`notification ${id} did not reach the expected state: ${JSON.stringify(last)}`);
}

export const allDeliveries = (status: string) => (n: any) =>
  Array.isArray(n?.deliveries) && n.deliveries.length > 0 && n.deliveries.every((d: any) => d.status === status);
