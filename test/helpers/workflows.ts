import { expect } from 'vitest';
import { api, createTenant } from './api';

/** Creates and publishes a workflow; returns its key. */
export async function publishWorkflow(key: string, body: Record<string, unknown>) {
  const created = await api('POST', '/v1/workflows', { key, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const published = await api('POST', `/v1/workflows/${body.key}/publish`, { key });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return body.key as string;
}

/** A new tenant with one subscriber, `kim`, and the workflow `body` published: most run tests start here. */
export async function tenantWithWorkflow(body: Record<string, unknown>) {
  const t = await createTenant();
  await api('PUT', '/v1/subscribers/kim', { key: t.key, body: {} });
  await publishWorkflow(t.key, body);
  return t;
}

/** Triggers a workflow and returns the 202 body. */
export async function trigger(key: string, workflow: string, body: Record<string, unknown>) {
  const res = await api('POST', `/v1/workflows/${workflow}/trigger`, { key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { runs: { id: string; subscriberId: string }[]; broadcastId: string | null; version: number };
}

/** Polls a run until `done(run)` holds (the real workflows queue consumer advances it meanwhile). */
export async function waitForRun(key: string, runId: string, done: (run: any) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await api('GET', `/v1/workflow-runs/${runId}`, { key })).body;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`run ${runId} did not settle: ${JSON.stringify(last)}`);
}

export const finished = (run: any) => !['running', 'waiting'].includes(run.status);
export const stepOf = (run: any, id: string) => run.steps.find((s: any) => s.stepId === id);
