import type { AcceptContext } from '../notifications/accept';
import type { PublishedWorkflow, TriggerInput } from '../workflows/trigger';
import { launchBroadcast, requireTopic } from './start-broadcast';

/** What a broadcast of a workflow trigger stores as its request: each member's run is made of it. */
export interface WorkflowBroadcastRequest {
  workflow: { id: string; key: string; version: number };
  input: TriggerInput;
}

export const isWorkflowBroadcast = (request: Record<string, unknown>): boolean =>
  typeof request.workflow === 'object' && request.workflow !== null;

/**
 * A trigger to a topic: stored as a broadcast and fanned out by the existing chain, one chunk of members per queue
 * message, so a topic is never loaded into memory; each chunk starts its members' runs with dedupe keys
 * (broadcast + subscriber), so a repeated chunk starts nothing twice.
 */
export async function startWorkflowBroadcast(
  ctx: AcceptContext,
  wf: PublishedWorkflow,
  topicKey: string,
  input: TriggerInput,
) {
  const topic = await requireTopic(ctx, topicKey);
  const request: WorkflowBroadcastRequest = { workflow: { id: wf.id, key: wf.key, version: wf.version }, input };
  return (await launchBroadcast(ctx, topic, request as unknown as Record<string, unknown>))!;
}
