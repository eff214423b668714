import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import { api } from './api';
import { endpointUrl, type ReceivedRequest, receivedRequests, uniqueName } from './stand-ins';

/** A webhook endpoint on the stand-in receiver, created through the API. */
export async function createEndpoint(key: string, opts: { events?: string[]; name?: string } = {}) {
  const name = opts.name ?? uniqueName('wh');
  const res = await api('POST', '/v1/webhook-endpoints', {
    key,
    body: { url: endpointUrl(name), ...(opts.events ? { events: opts.events } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, secret: res.body.secret as string, name };
}

export interface ReceivedEvent {
  request: ReceivedRequest;
  payload: { type: string; id: string; version: number; createdAt: string; data: Record<string, any> };
}

/** Every request the receiver got, each verified with the official Standard Webhooks verifier (throws if forged). */
export async function verifiedEvents(name: string, secret: string): Promise<ReceivedEvent[]> {
  const requests = await receivedRequests(name);
  return requests.map((request) => ({
    request,
    payload: new Webhook(secret).verify(request.body, request.headers) as ReceivedEvent['payload'],
  }));
}

/** Polls the receiver until `done` holds for its verified events. */
export async function waitForEvents(
  name: string,
  secret: string,
  done: (events: ReceivedEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events: ReceivedEvent[] = [];
  while (Date.now() < deadline) {
    events = await verifiedEvents(name, secret);
    if (done(events)) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `receiver ${name} did not get the expected events: ${JSON.stringify(events.map((e) => e.payload.type))}`,
  );
}

export const ofType = (type: string) => (events: ReceivedEvent[]) => events.filter((e) => e.payload.type === type);
export const hasType =
  (type: string, count = 1) =>
  (events: ReceivedEvent[]) =>
    ofType(type)(events).length >= count;
